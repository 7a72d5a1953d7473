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

    /// <summary>As <see cref="Blake3Lanes.HashMany"/>, for 1 to 16 inputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void HashMany(byte* input, int count, nint stride, int blocks, ulong counter, bool incrementCounter, uint flags, uint flagsStart, uint flagsEnd, byte* output) =>
        Blake3Lanes.HashMany<Vector512<uint>, Lanes>(input, count, stride, blocks, counter, incrementCounter, flags, flagsStart, flagsEnd, output);

    /// <summary>Transposes sixteen vectors of sixteen words: word j of vector i becomes word i of vector j.</summary>
    /// <remarks>Too many locals for the JIT to inline it (perf shows it as a call), so it is at least compiled fully optimised from the first call.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Transpose(ref Blake3Vectors16<Vector512<uint>> v)
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

    /// <summary>The 16-way layout, and <c>vprord</c> for every rotation.</summary>
    private readonly struct Lanes : IBlake3Lanes<Vector512<uint>>
    {
        public static Vector512<uint> Broadcast(uint value) => Vector512.Create(value);

        public static void Counters(ulong counter, bool increment, out Vector512<uint> low, out Vector512<uint> high)
        {
            var counterBase = Vector512.Create((uint)counter);
            low = increment ? counterBase + Vector512<uint>.Indices : counterBase;
            // A lane whose low word wrapped carries one into the high word (all-ones mask = -1).
            high = Vector512.Create((uint)(counter >> 32)) - Vector512.LessThan(low, counterBase);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void LoadBlocks(ref Blake3Vectors16<Vector512<uint>> m, byte* input, int count, nint stride, nint offset)
        {
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
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void StoreChainingValues(ref Blake3Vectors16<Vector512<uint>> h, int count, byte* output)
        {
            // Lane i of h0..h7 is input i's chaining value: the transpose turns it into vector i.
            // Only the low halves are kept; zeros keep the rest defined.
            for (var i = 8; i < Degree; i++) h[i] = Vector512<uint>.Zero;
            Transpose(ref h);
            for (var lane = 0; lane < count; lane++) h[lane].GetLower().Store((uint*)(output + lane * Blake3Constants.OutLen));
        }

        public static Vector512<uint> Add(Vector512<uint> a, Vector512<uint> b) => a + b;

        public static Vector512<uint> Xor(Vector512<uint> a, Vector512<uint> b) => a ^ b;

        // vprord for every rotation: a vpshufb for 16 and 8 measured three times slower here, the
        // JIT keeping the shuffle masks on the stack and reloading them.
        public static Vector512<uint> Rot16(Vector512<uint> x) => Avx512F.RotateRight(x, 16);

        public static Vector512<uint> Rot12(Vector512<uint> x) => Avx512F.RotateRight(x, 12);

        public static Vector512<uint> Rot8(Vector512<uint> x) => Avx512F.RotateRight(x, 8);

        public static Vector512<uint> Rot7(Vector512<uint> x) => Avx512F.RotateRight(x, 7);
    }
}
