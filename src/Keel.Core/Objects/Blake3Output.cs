using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace Keel.Objects;

/// <summary>The inputs of one compression: a chaining value when it is a child, the root hash when it is the top.</summary>
internal struct Blake3Output
{
    public Words8 Cv;
    public Words16 Block;
    public ulong Counter;
    public uint BlockLength;
    public uint Flags;

    /// <summary>A parent node over two 32-byte chaining values.</summary>
    public static Blake3Output ParentOf(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var output = new Blake3Output { BlockLength = Blake3Constants.BlockLen, Flags = Blake3Constants.Parent };
        Blake3Constants.Iv.CopyTo(output.Cv);
        Span<byte> block = stackalloc byte[Blake3Constants.BlockLen];
        left.CopyTo(block);
        right.CopyTo(block[Blake3Constants.OutLen..]);
        Blake3Scalar.Load(block, output.Block);
        return output;
    }

    public readonly void ChainingValue(Span<byte> cv32)
    {
        Span<uint> words = stackalloc uint[8];
        Blake3Scalar.Compress(Cv, Block, Counter, BlockLength, Flags, words);
        Store(words, cv32);
    }

    /// <summary>The 32-byte hash, when this is the top of the tree.</summary>
    public readonly void Root(Span<byte> output32)
    {
        Span<uint> words = stackalloc uint[8];
        Blake3Scalar.Compress(Cv, Block, 0, BlockLength, Flags | Blake3Constants.Root, words);
        Store(words, output32);
    }

    private static void Store(ReadOnlySpan<uint> words, Span<byte> bytes)
    {
        for (var i = 0; i < 8; i++) BinaryPrimitives.WriteUInt32LittleEndian(bytes[(i * 4)..], words[i]);
    }
}

[InlineArray(8)]
internal struct Words8
{
    private uint _element;
}

[InlineArray(16)]
internal struct Words16
{
    private uint _element;
}
