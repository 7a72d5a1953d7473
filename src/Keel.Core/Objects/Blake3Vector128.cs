using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Keel.Objects;

/// <summary>
/// BLAKE3's compression function four inputs at a time, written only with the cross-platform
/// <see cref="Vector128"/> API so that the same code runs on ARM64 (NEON) and on x64 without
/// AVX2 (SSE). Same layout as <see cref="Blake3Avx2"/>: lane i of every vector belongs to input i.
/// </summary>
[SkipLocalsInit]
internal static unsafe class Blake3Vector128
{
    public const int Degree = 4;

    public static bool IsSupported => Vector128.IsHardwareAccelerated;

    /// <summary>As <see cref="Blake3Avx512.HashMany"/>, for 1 to 4 inputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void HashMany(byte* input, int count, nint stride, int blocks, ulong counter, bool incrementCounter, uint flags, uint flagsStart, uint flagsEnd, byte* output)
    {
        var h0 = Vector128.Create(Blake3Constants.Iv0);
        var h1 = Vector128.Create(Blake3Constants.Iv1);
        var h2 = Vector128.Create(Blake3Constants.Iv2);
        var h3 = Vector128.Create(Blake3Constants.Iv3);
        var h4 = Vector128.Create(Blake3Constants.Iv4);
        var h5 = Vector128.Create(Blake3Constants.Iv5);
        var h6 = Vector128.Create(Blake3Constants.Iv6);
        var h7 = Vector128.Create(Blake3Constants.Iv7);
        var counterBase = Vector128.Create((uint)counter);
        var counterLow = incrementCounter ? counterBase + Vector128<uint>.Indices : counterBase;
        // A lane whose low word wrapped carries one into the high word (all-ones mask = -1).
        var counterHigh = Vector128.Create((uint)(counter >> 32)) - Vector128.LessThan(counterLow, counterBase);
        // Every word is written before it is read: no zeroing (SkipLocalsInit).
        Unsafe.SkipInit(out Vectors16 m);
        for (var b = 0; b < blocks; b++)
        {
            var offset = (nint)b * Blake3Constants.BlockLen;
            for (var lane = 0; lane < Degree; lane++)
            {
                var block = (uint*)(input + Math.Min(lane, count - 1) * stride + offset);
                m[lane] = Vector128.Load(block);
                m[Degree + lane] = Vector128.Load(block + 4);
                m[(2 * Degree) + lane] = Vector128.Load(block + 8);
                m[(3 * Degree) + lane] = Vector128.Load(block + 12);
            }
            // No software prefetch (it is x86-only in .NET): four streams are few enough for the
            // hardware prefetchers.
            Transpose(ref m, 0);
            Transpose(ref m, 4);
            Transpose(ref m, 8);
            Transpose(ref m, 12);
            var blockFlags = flags | (b == 0 ? flagsStart : 0) | (b == blocks - 1 ? flagsEnd : 0);
            var v0 = h0; var v1 = h1; var v2 = h2; var v3 = h3;
            var v4 = h4; var v5 = h5; var v6 = h6; var v7 = h7;
            var v8 = Vector128.Create(Blake3Constants.Iv0);
            var v9 = Vector128.Create(Blake3Constants.Iv1);
            var v10 = Vector128.Create(Blake3Constants.Iv2);
            var v11 = Vector128.Create(Blake3Constants.Iv3);
            var v12 = counterLow;
            var v13 = counterHigh;
            var v14 = Vector128.Create((uint)Blake3Constants.BlockLen);
            var v15 = Vector128.Create(blockFlags);
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
        // Lane i of h0..h3 holds words 0-3 of input i's chaining value, of h4..h7 words 4-7:
        // the two transposes turn them into two vectors per input.
        Unsafe.SkipInit(out Vectors16 cvs);
        cvs[0] = h0; cvs[1] = h1; cvs[2] = h2; cvs[3] = h3;
        cvs[4] = h4; cvs[5] = h5; cvs[6] = h6; cvs[7] = h7;
        Transpose(ref cvs, 0);
        Transpose(ref cvs, 4);
        for (var lane = 0; lane < count; lane++)
        {
            var cv = (uint*)(output + lane * Blake3Constants.OutLen);
            cvs[lane].Store(cv);
            cvs[Degree + lane].Store(cv + 4);
        }
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

    /// <summary>Transposes the four vectors of four words from <paramref name="first"/> on: word j of vector i becomes word i of vector j.</summary>
    /// <remarks>
    /// The portable API has no two-vector shuffle (unpack, zip), so the words are interleaved
    /// with 64-bit shifts and masks, and the 64-bit halves with a swap and a select; each maps
    /// to one or two instructions on SSE/AVX and on NEON.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose(ref Vectors16 v, int first)
    {
        // ab02 holds words 0 of a and b, then words 2 of a and b; ab13 the same for words 1 and 3.
        var ab02 = Even32(v[first], v[first + 1]); var ab13 = Odd32(v[first], v[first + 1]);
        var cd02 = Even32(v[first + 2], v[first + 3]); var cd13 = Odd32(v[first + 2], v[first + 3]);

        v[first] = Low64(ab02, cd02); v[first + 2] = High64(ab02, cd02);
        v[first + 1] = Low64(ab13, cd13); v[first + 3] = High64(ab13, cd13);
    }

    /// <summary>Words 0 of a and b, then words 2 of a and b.</summary>
    private static Vector128<uint> Even32(Vector128<uint> a, Vector128<uint> b) =>
        ((a.AsUInt64() & Vector128.Create(0xFFFF_FFFFUL)) | (b.AsUInt64() << 32)).AsUInt32();

    /// <summary>Words 1 of a and b, then words 3 of a and b.</summary>
    private static Vector128<uint> Odd32(Vector128<uint> a, Vector128<uint> b) =>
        ((a.AsUInt64() >>> 32) | (b.AsUInt64() & Vector128.Create(0xFFFF_FFFF_0000_0000UL))).AsUInt32();

    /// <summary>The low 64 bits of a, then the low 64 bits of b.</summary>
    private static Vector128<uint> Low64(Vector128<uint> a, Vector128<uint> b) =>
        Vector128.ConditionalSelect(Vector128.Create(0UL, ulong.MaxValue), SwapHalves(b), a.AsUInt64()).AsUInt32();

    /// <summary>The high 64 bits of a, then the high 64 bits of b.</summary>
    private static Vector128<uint> High64(Vector128<uint> a, Vector128<uint> b) =>
        Vector128.ConditionalSelect(Vector128.Create(0UL, ulong.MaxValue), b.AsUInt64(), SwapHalves(a)).AsUInt32();

    private static Vector128<ulong> SwapHalves(Vector128<uint> x) => Vector128.Shuffle(x.AsUInt64(), Vector128.Create(1UL, 0UL));

    // Rotations as two shifts and an or: neither SSE nor NEON has a 32-bit vector rotate.
    private static Vector128<uint> Rot16(Vector128<uint> x) => (x >>> 16) | (x << 16);

    private static Vector128<uint> Rot12(Vector128<uint> x) => (x >>> 12) | (x << 20);

    private static Vector128<uint> Rot8(Vector128<uint> x) => (x >>> 8) | (x << 24);

    private static Vector128<uint> Rot7(Vector128<uint> x) => (x >>> 7) | (x << 25);

    /// <summary>Sixteen vectors on the stack: the four quarters of a group of message blocks, or chaining values.</summary>
    [InlineArray(16)]
    internal struct Vectors16
    {
        private Vector128<uint> _element;
    }
}
