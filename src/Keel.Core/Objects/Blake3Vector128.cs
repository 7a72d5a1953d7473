using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Keel.Objects;

/// <summary>
/// BLAKE3's compression function four inputs at a time (<see cref="Blake3Lanes"/>), written only
/// with the cross-platform <see cref="Vector128"/> API so that the same code runs on ARM64 (NEON)
/// and on x64 without AVX2 (SSE): lane i of every vector belongs to input i.
/// </summary>
[SkipLocalsInit]
internal static unsafe class Blake3Vector128
{
    public const int Degree = 4;

    public static bool IsSupported => Vector128.IsHardwareAccelerated;

    /// <summary>As <see cref="Blake3Lanes.HashMany"/>, for 1 to 4 inputs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void HashMany(byte* input, int count, nint stride, int blocks, ulong counter, bool incrementCounter, uint flags, uint flagsStart, uint flagsEnd, byte* output) =>
        Blake3Lanes.HashMany<Vector128<uint>, Lanes>(input, count, stride, blocks, counter, incrementCounter, flags, flagsStart, flagsEnd, output);

    /// <summary>Transposes the four vectors of four words from <paramref name="first"/> on: word j of vector i becomes word i of vector j.</summary>
    /// <remarks>
    /// The portable API has no two-vector shuffle (unpack, zip), so the words are interleaved
    /// with 64-bit shifts and masks, and the 64-bit halves with a swap and a select; each maps
    /// to one or two instructions on SSE/AVX and on NEON.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose(ref Blake3Vectors16<Vector128<uint>> v, int first)
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

    /// <summary>The 4-way layout; rotations as two shifts and an or (neither SSE nor NEON has a 32-bit vector rotate).</summary>
    private readonly struct Lanes : IBlake3Lanes<Vector128<uint>>
    {
        public static Vector128<uint> Broadcast(uint value) => Vector128.Create(value);

        public static void Counters(ulong counter, bool increment, out Vector128<uint> low, out Vector128<uint> high)
        {
            var counterBase = Vector128.Create((uint)counter);
            low = increment ? counterBase + Vector128<uint>.Indices : counterBase;
            // A lane whose low word wrapped carries one into the high word (all-ones mask = -1).
            high = Vector128.Create((uint)(counter >> 32)) - Vector128.LessThan(low, counterBase);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void LoadBlocks(ref Blake3Vectors16<Vector128<uint>> m, byte* input, int count, nint stride, nint offset)
        {
            // Each block is four vectors of four words; each quarter of the sixteen is transposed.
            // No software prefetch (x86-only in .NET): four streams are few enough for the
            // hardware prefetchers.
            for (var lane = 0; lane < Degree; lane++)
            {
                var block = (uint*)(input + Math.Min(lane, count - 1) * stride + offset);
                m[lane] = Vector128.Load(block);
                m[Degree + lane] = Vector128.Load(block + 4);
                m[(2 * Degree) + lane] = Vector128.Load(block + 8);
                m[(3 * Degree) + lane] = Vector128.Load(block + 12);
            }
            Transpose(ref m, 0);
            Transpose(ref m, 4);
            Transpose(ref m, 8);
            Transpose(ref m, 12);
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void StoreChainingValues(ref Blake3Vectors16<Vector128<uint>> h, int count, byte* output)
        {
            // Lane i of vectors 0-3 holds words 0-3 of input i's chaining value, of 4-7 words 4-7:
            // the two transposes turn them into two vectors per input.
            Transpose(ref h, 0);
            Transpose(ref h, 4);
            for (var lane = 0; lane < count; lane++)
            {
                var cv = (uint*)(output + lane * Blake3Constants.OutLen);
                h[lane].Store(cv);
                h[Degree + lane].Store(cv + 4);
            }
        }

        public static Vector128<uint> Add(Vector128<uint> a, Vector128<uint> b) => a + b;

        public static Vector128<uint> Xor(Vector128<uint> a, Vector128<uint> b) => a ^ b;

        public static Vector128<uint> Rot16(Vector128<uint> x) => (x >>> 16) | (x << 16);

        public static Vector128<uint> Rot12(Vector128<uint> x) => (x >>> 12) | (x << 20);

        public static Vector128<uint> Rot8(Vector128<uint> x) => (x >>> 8) | (x << 24);

        public static Vector128<uint> Rot7(Vector128<uint> x) => (x >>> 7) | (x << 25);
    }
}
