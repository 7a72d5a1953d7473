using System.Runtime.CompilerServices;

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
            // Seven rounds of G on the columns, then on the diagonals, permuting the message in
            // between. One round in a loop runs as fast as seven written out (within the noise
            // here) and halves the run-time compile, which every short command pays (8 ms against 12.5).
            for (var round = 0; ; round++)
            {
                G<TVector, TLanes>(ref v0, ref v4, ref v8, ref v12, m[0], m[1]);
                G<TVector, TLanes>(ref v1, ref v5, ref v9, ref v13, m[2], m[3]);
                G<TVector, TLanes>(ref v2, ref v6, ref v10, ref v14, m[4], m[5]);
                G<TVector, TLanes>(ref v3, ref v7, ref v11, ref v15, m[6], m[7]);
                G<TVector, TLanes>(ref v0, ref v5, ref v10, ref v15, m[8], m[9]);
                G<TVector, TLanes>(ref v1, ref v6, ref v11, ref v12, m[10], m[11]);
                G<TVector, TLanes>(ref v2, ref v7, ref v8, ref v13, m[12], m[13]);
                G<TVector, TLanes>(ref v3, ref v4, ref v9, ref v14, m[14], m[15]);
                if (round == 6) break;
                Permute(ref m);
            }
            h0 = TLanes.Xor(v0, v8); h1 = TLanes.Xor(v1, v9); h2 = TLanes.Xor(v2, v10); h3 = TLanes.Xor(v3, v11);
            h4 = TLanes.Xor(v4, v12); h5 = TLanes.Xor(v5, v13); h6 = TLanes.Xor(v6, v14); h7 = TLanes.Xor(v7, v15);
        }
        Unsafe.SkipInit(out Blake3Vectors16<TVector> cvs);
        cvs[0] = h0; cvs[1] = h1; cvs[2] = h2; cvs[3] = h3;
        cvs[4] = h4; cvs[5] = h5; cvs[6] = h6; cvs[7] = h7;
        TLanes.StoreChainingValues(ref cvs, count, output);
    }

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

    /// <summary>BLAKE3's message permutation between rounds, applied to the words in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Permute<TVector>(ref Blake3Vectors16<TVector> m)
    {
        var m0 = m[0]; var m1 = m[1]; var m2 = m[2]; var m3 = m[3];
        var m4 = m[4]; var m5 = m[5]; var m6 = m[6]; var m7 = m[7];
        var m8 = m[8]; var m9 = m[9]; var m10 = m[10]; var m11 = m[11];
        var m12 = m[12]; var m13 = m[13]; var m14 = m[14]; var m15 = m[15];
        m[0] = m2; m[1] = m6; m[2] = m3; m[3] = m10; m[4] = m7; m[5] = m0; m[6] = m4; m[7] = m13;
        m[8] = m1; m[9] = m11; m[10] = m12; m[11] = m5; m[12] = m9; m[13] = m14; m[14] = m15; m[15] = m8;
    }
}
