using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Keel.Objects;

/// <summary>
/// BLAKE3's compression function sixteen inputs at a time (AVX-512): lane i of every vector
/// belongs to input i, so one pass of the rounds compresses sixteen blocks. The message words
/// are brought into that layout by a 16x16 transpose of each group of blocks.
/// </summary>
[SkipLocalsInit]
internal static unsafe class Blake3Avx512
{
    public const int Degree = 16;

    public static bool IsSupported => Avx512F.IsSupported;

    /// <summary>
    /// Compresses <paramref name="count"/> (1 to 16) inputs of <paramref name="blocks"/> full
    /// 64-byte blocks each, <paramref name="stride"/> bytes apart, and writes their 32-byte
    /// chaining values one after another. Lanes past <paramref name="count"/> repeat the last
    /// input, so nothing is read beyond the inputs and nothing written beyond the outputs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void HashMany(byte* input, int count, nint stride, int blocks, ulong counter, bool incrementCounter, uint flags, uint flagsStart, uint flagsEnd, byte* output)
    {
        var h0 = Vector512.Create(Blake3Constants.Iv0);
        var h1 = Vector512.Create(Blake3Constants.Iv1);
        var h2 = Vector512.Create(Blake3Constants.Iv2);
        var h3 = Vector512.Create(Blake3Constants.Iv3);
        var h4 = Vector512.Create(Blake3Constants.Iv4);
        var h5 = Vector512.Create(Blake3Constants.Iv5);
        var h6 = Vector512.Create(Blake3Constants.Iv6);
        var h7 = Vector512.Create(Blake3Constants.Iv7);
        var counterBase = Vector512.Create((uint)counter);
        var counterLow = incrementCounter ? counterBase + Vector512<uint>.Indices : counterBase;
        // A lane whose low word wrapped carries one into the high word (all-ones mask = -1).
        var counterHigh = Vector512.Create((uint)(counter >> 32)) - Vector512.LessThan(counterLow, counterBase);
        // Every word is written before it is read: no zeroing (SkipLocalsInit).
        Unsafe.SkipInit(out Vectors16 m);
        for (var b = 0; b < blocks; b++)
        {
            var offset = (nint)b * Blake3Constants.BlockLen;
            for (var lane = 0; lane < Degree; lane++)
            {
                var block = input + Math.Min(lane, count - 1) * stride + offset;
                m[lane] = Vector512.Load((uint*)block);
                // Sixteen interleaved streams are more than the hardware prefetcher follows well
                // from memory: fetch, into L2, the same block of the sixteen inputs the next call
                // takes (chunks are contiguous). A prefetch never faults, even past the input.
                Sse.Prefetch1(block + Degree * stride);
            }
            Transpose(ref m);
            var blockFlags = flags | (b == 0 ? flagsStart : 0) | (b == blocks - 1 ? flagsEnd : 0);
            var v0 = h0; var v1 = h1; var v2 = h2; var v3 = h3;
            var v4 = h4; var v5 = h5; var v6 = h6; var v7 = h7;
            var v8 = Vector512.Create(Blake3Constants.Iv0);
            var v9 = Vector512.Create(Blake3Constants.Iv1);
            var v10 = Vector512.Create(Blake3Constants.Iv2);
            var v11 = Vector512.Create(Blake3Constants.Iv3);
            var v12 = counterLow;
            var v13 = counterHigh;
            var v14 = Vector512.Create((uint)Blake3Constants.BlockLen);
            var v15 = Vector512.Create(blockFlags);
            // Seven rounds of G on the columns, then on the diagonals, permuting the message in
            // between. One round in a loop runs as fast as seven written out (within the noise
            // here) and halves the run-time compile, which every short command pays (8 ms against 12.5).
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
        // Only the low halves are kept; zeros keep the rest defined.
        for (var i = 8; i < Degree; i++) cvs[i] = Vector512<uint>.Zero;
        Transpose(ref cvs);
        for (var lane = 0; lane < count; lane++) cvs[lane].GetLower().Store((uint*)(output + lane * Blake3Constants.OutLen));
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

    /// <summary>Transposes sixteen vectors of sixteen words: word j of vector i becomes word i of vector j.</summary>
    /// <remarks>Too many locals for the JIT to inline it (perf shows it as a call), so it is at least compiled fully optimised from the first call.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Transpose(ref Vectors16 v)
    {
        // Interleave 32-bit words: ab0 holds words 0,0,1,1 of a and b in each 128-bit lane, ab2 words 2,2,3,3.
        var ab0 = Avx512F.UnpackLow(v[0], v[1]); var ab2 = Avx512F.UnpackHigh(v[0], v[1]);
        var cd0 = Avx512F.UnpackLow(v[2], v[3]); var cd2 = Avx512F.UnpackHigh(v[2], v[3]);
        var ef0 = Avx512F.UnpackLow(v[4], v[5]); var ef2 = Avx512F.UnpackHigh(v[4], v[5]);
        var gh0 = Avx512F.UnpackLow(v[6], v[7]); var gh2 = Avx512F.UnpackHigh(v[6], v[7]);
        var ij0 = Avx512F.UnpackLow(v[8], v[9]); var ij2 = Avx512F.UnpackHigh(v[8], v[9]);
        var kl0 = Avx512F.UnpackLow(v[10], v[11]); var kl2 = Avx512F.UnpackHigh(v[10], v[11]);
        var mn0 = Avx512F.UnpackLow(v[12], v[13]); var mn2 = Avx512F.UnpackHigh(v[12], v[13]);
        var op0 = Avx512F.UnpackLow(v[14], v[15]); var op2 = Avx512F.UnpackHigh(v[14], v[15]);

        // Interleave 64-bit pairs: abcdK holds word K of a, b, c, d in each 128-bit lane.
        var abcd0 = Low64(ab0, cd0); var abcd1 = High64(ab0, cd0); var abcd2 = Low64(ab2, cd2); var abcd3 = High64(ab2, cd2);
        var efgh0 = Low64(ef0, gh0); var efgh1 = High64(ef0, gh0); var efgh2 = Low64(ef2, gh2); var efgh3 = High64(ef2, gh2);
        var ijkl0 = Low64(ij0, kl0); var ijkl1 = High64(ij0, kl0); var ijkl2 = Low64(ij2, kl2); var ijkl3 = High64(ij2, kl2);
        var mnop0 = Low64(mn0, op0); var mnop1 = High64(mn0, op0); var mnop2 = Low64(mn2, op2); var mnop3 = High64(mn2, op2);

        // Interleave 128-bit lanes twice: even lanes then odd lanes of each pair.
        var a0 = Even128(abcd0, efgh0); var a1 = Even128(abcd1, efgh1); var a2 = Even128(abcd2, efgh2); var a3 = Even128(abcd3, efgh3);
        var a4 = Odd128(abcd0, efgh0); var a5 = Odd128(abcd1, efgh1); var a6 = Odd128(abcd2, efgh2); var a7 = Odd128(abcd3, efgh3);
        var b0 = Even128(ijkl0, mnop0); var b1 = Even128(ijkl1, mnop1); var b2 = Even128(ijkl2, mnop2); var b3 = Even128(ijkl3, mnop3);
        var b4 = Odd128(ijkl0, mnop0); var b5 = Odd128(ijkl1, mnop1); var b6 = Odd128(ijkl2, mnop2); var b7 = Odd128(ijkl3, mnop3);

        v[0] = Even128(a0, b0); v[1] = Even128(a1, b1); v[2] = Even128(a2, b2); v[3] = Even128(a3, b3);
        v[4] = Even128(a4, b4); v[5] = Even128(a5, b5); v[6] = Even128(a6, b6); v[7] = Even128(a7, b7);
        v[8] = Odd128(a0, b0); v[9] = Odd128(a1, b1); v[10] = Odd128(a2, b2); v[11] = Odd128(a3, b3);
        v[12] = Odd128(a4, b4); v[13] = Odd128(a5, b5); v[14] = Odd128(a6, b6); v[15] = Odd128(a7, b7);
    }

    private static Vector512<uint> Low64(Vector512<uint> a, Vector512<uint> b) => Avx512F.UnpackLow(a.AsUInt64(), b.AsUInt64()).AsUInt32();

    private static Vector512<uint> High64(Vector512<uint> a, Vector512<uint> b) => Avx512F.UnpackHigh(a.AsUInt64(), b.AsUInt64()).AsUInt32();

    /// <summary>128-bit lanes 0, 2 of a, then 0, 2 of b.</summary>
    private static Vector512<uint> Even128(Vector512<uint> a, Vector512<uint> b) => Avx512F.Shuffle4x128(a, b, 0b10_00_10_00);

    /// <summary>128-bit lanes 1, 3 of a, then 1, 3 of b.</summary>
    private static Vector512<uint> Odd128(Vector512<uint> a, Vector512<uint> b) => Avx512F.Shuffle4x128(a, b, 0b11_01_11_01);

    // vprord for every rotation: a vpshufb for 16 and 8 measured three times slower here, the
    // JIT keeping the shuffle masks on the stack and reloading them.
    private static Vector512<uint> Rot16(Vector512<uint> x) => Avx512F.RotateRight(x, 16);

    private static Vector512<uint> Rot12(Vector512<uint> x) => Avx512F.RotateRight(x, 12);

    private static Vector512<uint> Rot8(Vector512<uint> x) => Avx512F.RotateRight(x, 8);

    private static Vector512<uint> Rot7(Vector512<uint> x) => Avx512F.RotateRight(x, 7);

    /// <summary>Sixteen vectors on the stack: a group of message blocks, or of chaining values.</summary>
    [InlineArray(Degree)]
    internal struct Vectors16
    {
        private Vector512<uint> _element;
    }
}
