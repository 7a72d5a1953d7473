using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Keel.Objects;

/// <summary>
/// BLAKE3's compression function eight inputs at a time (AVX2), for machines without AVX-512
/// and for short runs of inputs where sixteen lanes would mostly idle. Same layout as
/// <see cref="Blake3Avx512"/>: lane i of every vector belongs to input i.
/// </summary>
[SkipLocalsInit]
internal static unsafe class Blake3Avx2
{
    public const int Degree = 8;

    public static bool IsSupported => Avx2.IsSupported;

    /// <summary>As <see cref="Blake3Avx512.HashMany"/>, for 1 to 8 inputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void HashMany(byte* input, int count, nint stride, int blocks, ulong counter, bool incrementCounter, uint flags, uint flagsStart, uint flagsEnd, byte* output)
    {
        var h0 = Vector256.Create(Blake3Constants.Iv0);
        var h1 = Vector256.Create(Blake3Constants.Iv1);
        var h2 = Vector256.Create(Blake3Constants.Iv2);
        var h3 = Vector256.Create(Blake3Constants.Iv3);
        var h4 = Vector256.Create(Blake3Constants.Iv4);
        var h5 = Vector256.Create(Blake3Constants.Iv5);
        var h6 = Vector256.Create(Blake3Constants.Iv6);
        var h7 = Vector256.Create(Blake3Constants.Iv7);
        var counterBase = Vector256.Create((uint)counter);
        var counterLow = incrementCounter ? counterBase + Vector256<uint>.Indices : counterBase;
        // A lane whose low word wrapped carries one into the high word (all-ones mask = -1).
        var counterHigh = Vector256.Create((uint)(counter >> 32)) - Vector256.LessThan(counterLow, counterBase);
        // Every word is written before it is read: no zeroing (SkipLocalsInit).
        Unsafe.SkipInit(out Vectors16 m);
        for (var b = 0; b < blocks; b++)
        {
            var offset = (nint)b * Blake3Constants.BlockLen;
            for (var lane = 0; lane < Degree; lane++)
            {
                var block = (uint*)(input + Math.Min(lane, count - 1) * stride + offset);
                m[lane] = Vector256.Load(block);
                m[Degree + lane] = Vector256.Load(block + 8);
                // As in the AVX-512 kernel: the next call's inputs into L2.
                Sse.Prefetch1((byte*)block + Degree * stride);
            }
            Transpose(ref m, 0);
            Transpose(ref m, Degree);
            var blockFlags = flags | (b == 0 ? flagsStart : 0) | (b == blocks - 1 ? flagsEnd : 0);
            var v0 = h0; var v1 = h1; var v2 = h2; var v3 = h3;
            var v4 = h4; var v5 = h5; var v6 = h6; var v7 = h7;
            var v8 = Vector256.Create(Blake3Constants.Iv0);
            var v9 = Vector256.Create(Blake3Constants.Iv1);
            var v10 = Vector256.Create(Blake3Constants.Iv2);
            var v11 = Vector256.Create(Blake3Constants.Iv3);
            var v12 = counterLow;
            var v13 = counterHigh;
            var v14 = Vector256.Create((uint)Blake3Constants.BlockLen);
            var v15 = Vector256.Create(blockFlags);
            // Seven rounds, the message permuted in between (see the AVX-512 kernel).
            for (var round = 0; ; round++)
            {
                v0 += v4 + m[0]; v1 += v5 + m[2]; v2 += v6 + m[4]; v3 += v7 + m[6];
                v12 = Rot16(v12 ^ v0); v13 = Rot16(v13 ^ v1); v14 = Rot16(v14 ^ v2); v15 = Rot16(v15 ^ v3);
                v8 += v12; v9 += v13; v10 += v14; v11 += v15;
                v4 = Rot12(v4 ^ v8); v5 = Rot12(v5 ^ v9); v6 = Rot12(v6 ^ v10); v7 = Rot12(v7 ^ v11);
                v0 += v4 + m[1]; v1 += v5 + m[3]; v2 += v6 + m[5]; v3 += v7 + m[7];
                v12 = Rot8(v12 ^ v0); v13 = Rot8(v13 ^ v1); v14 = Rot8(v14 ^ v2); v15 = Rot8(v15 ^ v3);
                v8 += v12; v9 += v13; v10 += v14; v11 += v15;
                v4 = Rot7(v4 ^ v8); v5 = Rot7(v5 ^ v9); v6 = Rot7(v6 ^ v10); v7 = Rot7(v7 ^ v11);
                v0 += v5 + m[8]; v1 += v6 + m[10]; v2 += v7 + m[12]; v3 += v4 + m[14];
                v15 = Rot16(v15 ^ v0); v12 = Rot16(v12 ^ v1); v13 = Rot16(v13 ^ v2); v14 = Rot16(v14 ^ v3);
                v10 += v15; v11 += v12; v8 += v13; v9 += v14;
                v5 = Rot12(v5 ^ v10); v6 = Rot12(v6 ^ v11); v7 = Rot12(v7 ^ v8); v4 = Rot12(v4 ^ v9);
                v0 += v5 + m[9]; v1 += v6 + m[11]; v2 += v7 + m[13]; v3 += v4 + m[15];
                v15 = Rot8(v15 ^ v0); v12 = Rot8(v12 ^ v1); v13 = Rot8(v13 ^ v2); v14 = Rot8(v14 ^ v3);
                v10 += v15; v11 += v12; v8 += v13; v9 += v14;
                v5 = Rot7(v5 ^ v10); v6 = Rot7(v6 ^ v11); v7 = Rot7(v7 ^ v8); v4 = Rot7(v4 ^ v9);
                if (round == 6) break;
                Permute(ref m);
            }
            h0 = v0 ^ v8; h1 = v1 ^ v9; h2 = v2 ^ v10; h3 = v3 ^ v11;
            h4 = v4 ^ v12; h5 = v5 ^ v13; h6 = v6 ^ v14; h7 = v7 ^ v15;
        }
        // Lane i of h0..h7 is input i's chaining value: the transpose turns it into vector i.
        Unsafe.SkipInit(out Vectors16 cvs);
        cvs[0] = h0; cvs[1] = h1; cvs[2] = h2; cvs[3] = h3;
        cvs[4] = h4; cvs[5] = h5; cvs[6] = h6; cvs[7] = h7;
        Transpose(ref cvs, 0);
        for (var lane = 0; lane < count; lane++) cvs[lane].Store((uint*)(output + lane * Blake3Constants.OutLen));
    }

    /// <summary>BLAKE3's message permutation between rounds, applied to the words in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Permute(ref Vectors16 m)
    {
        var m0 = m[0]; var m1 = m[1]; var m2 = m[2]; var m3 = m[3];
        var m4 = m[4]; var m5 = m[5]; var m6 = m[6]; var m7 = m[7];
        var m8 = m[8]; var m9 = m[9]; var m10 = m[10]; var m11 = m[11];
        var m12 = m[12]; var m13 = m[13]; var m14 = m[14]; var m15 = m[15];
        m[0] = m2; m[1] = m6; m[2] = m3; m[3] = m10; m[4] = m7; m[5] = m0; m[6] = m4; m[7] = m13;
        m[8] = m1; m[9] = m11; m[10] = m12; m[11] = m5; m[12] = m9; m[13] = m14; m[14] = m15; m[15] = m8;
    }

    /// <summary>Transposes the eight vectors of eight words from <paramref name="first"/> on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose(ref Vectors16 v, int first)
    {
        // ab0145 holds words 0,0,1,1 of a and b in the low 128-bit lane and 4,4,5,5 in the high one.
        var ab0145 = Avx2.UnpackLow(v[first], v[first + 1]); var ab2367 = Avx2.UnpackHigh(v[first], v[first + 1]);
        var cd0145 = Avx2.UnpackLow(v[first + 2], v[first + 3]); var cd2367 = Avx2.UnpackHigh(v[first + 2], v[first + 3]);
        var ef0145 = Avx2.UnpackLow(v[first + 4], v[first + 5]); var ef2367 = Avx2.UnpackHigh(v[first + 4], v[first + 5]);
        var gh0145 = Avx2.UnpackLow(v[first + 6], v[first + 7]); var gh2367 = Avx2.UnpackHigh(v[first + 6], v[first + 7]);

        var abcd04 = Low64(ab0145, cd0145); var abcd15 = High64(ab0145, cd0145);
        var abcd26 = Low64(ab2367, cd2367); var abcd37 = High64(ab2367, cd2367);
        var efgh04 = Low64(ef0145, gh0145); var efgh15 = High64(ef0145, gh0145);
        var efgh26 = Low64(ef2367, gh2367); var efgh37 = High64(ef2367, gh2367);

        v[first] = Avx2.Permute2x128(abcd04, efgh04, 0x20); v[first + 4] = Avx2.Permute2x128(abcd04, efgh04, 0x31);
        v[first + 1] = Avx2.Permute2x128(abcd15, efgh15, 0x20); v[first + 5] = Avx2.Permute2x128(abcd15, efgh15, 0x31);
        v[first + 2] = Avx2.Permute2x128(abcd26, efgh26, 0x20); v[first + 6] = Avx2.Permute2x128(abcd26, efgh26, 0x31);
        v[first + 3] = Avx2.Permute2x128(abcd37, efgh37, 0x20); v[first + 7] = Avx2.Permute2x128(abcd37, efgh37, 0x31);
    }

    private static Vector256<uint> Low64(Vector256<uint> a, Vector256<uint> b) => Avx2.UnpackLow(a.AsUInt64(), b.AsUInt64()).AsUInt32();

    private static Vector256<uint> High64(Vector256<uint> a, Vector256<uint> b) => Avx2.UnpackHigh(a.AsUInt64(), b.AsUInt64()).AsUInt32();

    // AVX2 has no rotate: shifts and an or. Byte shuffles for 16 and 8 measured slower, the
    // JIT keeping their masks on the stack (as in the AVX-512 kernel).
    private static Vector256<uint> Rot16(Vector256<uint> x) => (x >>> 16) | (x << 16);

    private static Vector256<uint> Rot12(Vector256<uint> x) => (x >>> 12) | (x << 20);

    private static Vector256<uint> Rot8(Vector256<uint> x) => (x >>> 8) | (x << 24);

    private static Vector256<uint> Rot7(Vector256<uint> x) => (x >>> 7) | (x << 25);

    /// <summary>Sixteen vectors on the stack: the two halves of a group of message blocks, or chaining values.</summary>
    [InlineArray(16)]
    internal struct Vectors16
    {
        private Vector256<uint> _element;
    }
}
