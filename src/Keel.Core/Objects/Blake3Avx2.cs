using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Keel.Objects;

/// <summary>
/// BLAKE3's compression function eight inputs at a time (AVX2, through <see cref="Blake3Lanes"/>),
/// for machines without AVX-512 and for short runs of inputs where sixteen lanes would mostly
/// idle: lane i of every vector belongs to input i.
/// </summary>
[SkipLocalsInit]
internal static unsafe class Blake3Avx2
{
    public const int Degree = 8;

    public static bool IsSupported => Avx2.IsSupported;

    /// <summary>As <see cref="Blake3Lanes.HashMany"/>, for 1 to 8 inputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void HashMany(byte* input, int count, nint stride, int blocks, ulong counter, bool incrementCounter, uint flags, uint flagsStart, uint flagsEnd, byte* output) =>
        Blake3Lanes.HashMany<Vector256<uint>, Lanes>(input, count, stride, blocks, counter, incrementCounter, flags, flagsStart, flagsEnd, output);

    /// <summary>Transposes the eight vectors of eight words from <paramref name="first"/> on.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose(ref Blake3Vectors16<Vector256<uint>> v, int first)
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

    /// <summary>
    /// The 8-way layout. AVX2 has no rotate: two shifts and an or. Byte shuffles for 16 and 8
    /// measured slower, the JIT keeping their masks on the stack (as in the AVX-512 kernel).
    /// </summary>
    private readonly struct Lanes : IBlake3Lanes<Vector256<uint>>
    {
        public static Vector256<uint> Broadcast(uint value) => Vector256.Create(value);

        public static void Counters(ulong counter, bool increment, out Vector256<uint> low, out Vector256<uint> high)
        {
            var counterBase = Vector256.Create((uint)counter);
            low = increment ? counterBase + Vector256<uint>.Indices : counterBase;
            // A lane whose low word wrapped carries one into the high word (all-ones mask = -1).
            high = Vector256.Create((uint)(counter >> 32)) - Vector256.LessThan(low, counterBase);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void LoadBlocks(ref Blake3Vectors16<Vector256<uint>> m, byte* input, int count, nint stride, nint offset)
        {
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
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void StoreChainingValues(ref Blake3Vectors16<Vector256<uint>> h, int count, byte* output)
        {
            // Lane i of h0..h7 is input i's chaining value: the transpose turns it into vector i.
            Transpose(ref h, 0);
            for (var lane = 0; lane < count; lane++) h[lane].Store((uint*)(output + lane * Blake3Constants.OutLen));
        }

        public static Vector256<uint> Add(Vector256<uint> a, Vector256<uint> b) => a + b;

        public static Vector256<uint> Xor(Vector256<uint> a, Vector256<uint> b) => a ^ b;

        public static Vector256<uint> Rot16(Vector256<uint> x) => (x >>> 16) | (x << 16);

        public static Vector256<uint> Rot12(Vector256<uint> x) => (x >>> 12) | (x << 20);

        public static Vector256<uint> Rot8(Vector256<uint> x) => (x >>> 8) | (x << 24);

        public static Vector256<uint> Rot7(Vector256<uint> x) => (x >>> 7) | (x << 25);
    }
}
