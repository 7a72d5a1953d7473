namespace Keel.Objects;

/// <summary>
/// What a SIMD kernel of <see cref="Blake3Lanes"/> needs of one vector width: lane i of every
/// vector belongs to input i, so only loading the inputs into that layout and storing the
/// chaining values back out differ between widths. Implemented by structs, so the shared code
/// is compiled once per width with every call inlined.
/// </summary>
/// <remarks>
/// The arithmetic is here too: <c>Vector128&lt;T&gt;</c> and its wider kin share no public
/// interface for their operators (<c>ISimdVector</c> is internal in .NET 10).
/// </remarks>
internal interface IBlake3Lanes<TVector>
{
    /// <summary>The value in every lane.</summary>
    static abstract TVector Broadcast(uint value);

    /// <summary>Lane i's block counter (counter + i, or counter for every lane), split into its low and high words.</summary>
    static abstract void Counters(ulong counter, bool increment, out TVector low, out TVector high);

    /// <summary>
    /// Loads the block at <paramref name="offset"/> of each input into <paramref name="m"/>,
    /// vector w holding word w of every input. Lanes past <paramref name="count"/> repeat the
    /// last input, so nothing is read beyond the inputs.
    /// </summary>
    static abstract unsafe void LoadBlocks(ref Blake3Vectors16<TVector> m, byte* input, int count, nint stride, nint offset);

    /// <summary>Writes the first <paramref name="count"/> chaining values (vectors 0-7, lane i = input i) one after another.</summary>
    static abstract unsafe void StoreChainingValues(ref Blake3Vectors16<TVector> h, int count, byte* output);

    static abstract TVector Add(TVector a, TVector b);

    static abstract TVector Xor(TVector a, TVector b);

    static abstract TVector Rot16(TVector x);

    static abstract TVector Rot12(TVector x);

    static abstract TVector Rot8(TVector x);

    static abstract TVector Rot7(TVector x);
}
