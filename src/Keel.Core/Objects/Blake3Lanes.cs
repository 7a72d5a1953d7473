using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Keel.Objects;

/// <summary>
/// BLAKE3's compression function over many inputs at once, written once for every vector width
/// (<see cref="Blake3Avx512"/>, <see cref="Blake3Avx2"/>, <see cref="Blake3Vector128"/>): lane i
/// of every vector belongs to input i, so one pass of the rounds compresses a block of each.
/// </summary>
[SkipLocalsInit]
internal static unsafe class Blake3Lanes
{
    /// <summary>
    /// Compresses <paramref name="count"/> (1 to the width's degree) inputs of
    /// <paramref name="blocks"/> full 64-byte blocks each, <paramref name="stride"/> bytes apart,
    /// and writes their 32-byte chaining values one after another. Lanes past
    /// <paramref name="count"/> repeat the last input, so nothing is read beyond the inputs and
    /// nothing written beyond the outputs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void HashMany<TVector, TLanes>(byte* input, int count, nint stride, int blocks, ulong counter, bool incrementCounter, uint flags, uint flagsStart, uint flagsEnd, byte* output)
        where TLanes : struct, IBlake3Lanes<TVector>
    {
        var h0 = TLanes.Broadcast(Blake3Constants.Iv0);
        var h1 = TLanes.Broadcast(Blake3Constants.Iv1);
        var h2 = TLanes.Broadcast(Blake3Constants.Iv2);
        var h3 = TLanes.Broadcast(Blake3Constants.Iv3);
        var h4 = TLanes.Broadcast(Blake3Constants.Iv4);
        var h5 = TLanes.Broadcast(Blake3Constants.Iv5);
        var h6 = TLanes.Broadcast(Blake3Constants.Iv6);
        var h7 = TLanes.Broadcast(Blake3Constants.Iv7);
        TLanes.Counters(counter, incrementCounter, out var counterLow, out var counterHigh);
        // Every word is written before it is read: no zeroing (SkipLocalsInit).
        Unsafe.SkipInit(out Blake3Vectors16<TVector> m);
        for (var b = 0; b < blocks; b++)
        {
            TLanes.LoadBlocks(ref m, input, count, stride, (nint)b * Blake3Constants.BlockLen);
            var blockFlags = flags | (b == 0 ? flagsStart : 0) | (b == blocks - 1 ? flagsEnd : 0);
            var v0 = h0; var v1 = h1; var v2 = h2; var v3 = h3;
            var v4 = h4; var v5 = h5; var v6 = h6; var v7 = h7;
            var v8 = TLanes.Broadcast(Blake3Constants.Iv0);
            var v9 = TLanes.Broadcast(Blake3Constants.Iv1);
            var v10 = TLanes.Broadcast(Blake3Constants.Iv2);
            var v11 = TLanes.Broadcast(Blake3Constants.Iv3);
            var v12 = counterLow;
            var v13 = counterHigh;
            var v14 = TLanes.Broadcast(Blake3Constants.BlockLen);
            var v15 = TLanes.Broadcast(blockFlags);
            // Seven rounds of G on the columns, then on the diagonals, each reading the message
            // words in its own order (Schedule) where they were loaded: moving the words between
            // rounds (the reference's permutation) cost 16 stores, 16 loads and 16 register moves
            // a round, about 5% of the CPU time of hashing a GiB. One round in a loop: written out
            // seven times, the JIT spilled most of the state and ran 2.7 times slower.
            ref var words = ref Unsafe.As<Blake3Vectors16<TVector>, TVector>(ref m);
            ref var order = ref MemoryMarshal.GetReference(Schedule);
            for (var round = 0; round < 7; round++, order = ref Unsafe.Add(ref order, 16))
            {
                G<TVector, TLanes>(ref v0, ref v4, ref v8, ref v12, Unsafe.Add(ref words, order), Unsafe.Add(ref words, Unsafe.Add(ref order, 1)));
                G<TVector, TLanes>(ref v1, ref v5, ref v9, ref v13, Unsafe.Add(ref words, Unsafe.Add(ref order, 2)), Unsafe.Add(ref words, Unsafe.Add(ref order, 3)));
                G<TVector, TLanes>(ref v2, ref v6, ref v10, ref v14, Unsafe.Add(ref words, Unsafe.Add(ref order, 4)), Unsafe.Add(ref words, Unsafe.Add(ref order, 5)));
                G<TVector, TLanes>(ref v3, ref v7, ref v11, ref v15, Unsafe.Add(ref words, Unsafe.Add(ref order, 6)), Unsafe.Add(ref words, Unsafe.Add(ref order, 7)));
                G<TVector, TLanes>(ref v0, ref v5, ref v10, ref v15, Unsafe.Add(ref words, Unsafe.Add(ref order, 8)), Unsafe.Add(ref words, Unsafe.Add(ref order, 9)));
                G<TVector, TLanes>(ref v1, ref v6, ref v11, ref v12, Unsafe.Add(ref words, Unsafe.Add(ref order, 10)), Unsafe.Add(ref words, Unsafe.Add(ref order, 11)));
                G<TVector, TLanes>(ref v2, ref v7, ref v8, ref v13, Unsafe.Add(ref words, Unsafe.Add(ref order, 12)), Unsafe.Add(ref words, Unsafe.Add(ref order, 13)));
                G<TVector, TLanes>(ref v3, ref v4, ref v9, ref v14, Unsafe.Add(ref words, Unsafe.Add(ref order, 14)), Unsafe.Add(ref words, Unsafe.Add(ref order, 15)));
            }
            h0 = TLanes.Xor(v0, v8); h1 = TLanes.Xor(v1, v9); h2 = TLanes.Xor(v2, v10); h3 = TLanes.Xor(v3, v11);
            h4 = TLanes.Xor(v4, v12); h5 = TLanes.Xor(v5, v13); h6 = TLanes.Xor(v6, v14); h7 = TLanes.Xor(v7, v15);
        }
        Unsafe.SkipInit(out Blake3Vectors16<TVector> cvs);
        cvs[0] = h0; cvs[1] = h1; cvs[2] = h2; cvs[3] = h3;
        cvs[4] = h4; cvs[5] = h5; cvs[6] = h6; cvs[7] = h7;
        TLanes.StoreChainingValues(ref cvs, count, output);
    }

    /// <summary>Which message word each round reads at each position: the permutation applied 0 to 6 times.</summary>
    private static ReadOnlySpan<byte> Schedule =>
    [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8,
        3, 4, 10, 12, 13, 2, 7, 14, 6, 5, 9, 0, 11, 15, 8, 1,
        10, 7, 12, 9, 14, 3, 13, 15, 4, 0, 11, 2, 5, 8, 1, 6,
        12, 13, 9, 11, 15, 10, 14, 8, 7, 2, 5, 3, 0, 1, 6, 4,
        9, 14, 11, 5, 8, 12, 15, 1, 13, 3, 0, 10, 2, 6, 4, 7,
        11, 15, 5, 0, 1, 9, 8, 6, 14, 10, 2, 12, 3, 4, 7, 13,
    ];

    /// <summary>BLAKE3's mixing function G on one column or diagonal of every lane's state.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void G<TVector, TLanes>(ref TVector a, ref TVector b, ref TVector c, ref TVector d, TVector mx, TVector my)
        where TLanes : struct, IBlake3Lanes<TVector>
    {
        a = TLanes.Add(TLanes.Add(a, b), mx); d = TLanes.Rot16(TLanes.Xor(d, a));
        c = TLanes.Add(c, d); b = TLanes.Rot12(TLanes.Xor(b, c));
        a = TLanes.Add(TLanes.Add(a, b), my); d = TLanes.Rot8(TLanes.Xor(d, a));
        c = TLanes.Add(c, d); b = TLanes.Rot7(TLanes.Xor(b, c));
    }
}
