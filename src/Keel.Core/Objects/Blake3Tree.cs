using System.Numerics;
using System.Runtime.CompilerServices;

namespace Keel.Objects;

/// <summary>
/// BLAKE3's tree over whole subtrees of chunks: the chunks are compressed a kernel's width at
/// a time, and so is each level of parents above them (parents are a sixteenth of the work,
/// too much to do one by one), as the reference implementation's <c>compress_subtree_wide</c>.
/// Large subtrees are cut into 1 MiB pieces that every core takes from a shared counter.
/// </summary>
[SkipLocalsInit]
internal static unsafe class Blake3Tree
{
    /// <summary>What one thread takes at a time when a subtree is hashed on every core: about a quarter of a millisecond of work.</summary>
    private const long Piece = 1 << 20;

    /// <summary>Hashes a whole input of any length in one call.</summary>
    public static void Hash(Blake3Kernel kernel, ReadOnlySpan<byte> input, bool parallel, Span<byte> output32)
    {
        if (input.Length <= Blake3Constants.ChunkLen)
        {
            var chunk = new Blake3ChunkState(0);
            chunk.Update(input);
            chunk.Output().Root(output32);
            return;
        }
        Span<byte> children = stackalloc byte[2 * Blake3Constants.OutLen];
        fixed (byte* start = input)
        {
            SubtreeToParentNode(kernel, start, input.Length, 0, parallel, children);
        }
        Blake3Output.ParentOf(children[..Blake3Constants.OutLen], children[Blake3Constants.OutLen..]).Root(output32);
    }

    /// <summary>
    /// Reduces a subtree of more than one chunk to the two chaining values under its top
    /// parent, which the caller may still have to merge (or finalize as the root).
    /// </summary>
    public static void SubtreeToParentNode(Blake3Kernel kernel, byte* input, long length, ulong counter, bool parallel, Span<byte> output64)
    {
        var width = Math.Max(kernel.Degree(), 2);
        byte* cvs = stackalloc byte[width * Blake3Constants.OutLen];
        byte* parents = stackalloc byte[width * Blake3Constants.OutLen];
        var count = SubtreeWide(kernel, input, length, counter, parallel, cvs);
        while (count > 2)
        {
            count = Parents(kernel, cvs, count, parents);
            Buffer.MemoryCopy(parents, cvs, width * Blake3Constants.OutLen, count * Blake3Constants.OutLen);
        }
        new ReadOnlySpan<byte>(cvs, 2 * Blake3Constants.OutLen).CopyTo(output64);
    }

    /// <summary>
    /// Writes the chaining values of the subtree's top levels, at most the kernel's width of
    /// them (at least two unless the input is one chunk), and returns how many.
    /// </summary>
    private static int SubtreeWide(Blake3Kernel kernel, byte* input, long length, ulong counter, bool parallel, byte* output)
    {
        var degree = kernel.Degree();
        if (length <= (long)degree * Blake3Constants.ChunkLen) return Chunks(kernel, input, length, counter, output);

        var leftLength = LeftLength(length);
        var rightCounter = counter + (ulong)(leftLength / Blake3Constants.ChunkLen);
        // A left subtree of one chunk (scalar kernel only) gives one chaining value, any other
        // exactly max(degree, 2): the right one's go right after them.
        var leftWidth = leftLength == Blake3Constants.ChunkLen ? 1 : Math.Max(degree, 2);
        byte* children = stackalloc byte[2 * Math.Max(degree, 2) * Blake3Constants.OutLen];
        var right = children + leftWidth * Blake3Constants.OutLen;
        int leftCount, rightCount;
        if (parallel && length >= 2 * Piece && BitOperations.IsPow2(length))
        {
            return InPieces(kernel, input, length, counter, output);
        }
        if (parallel)
        {
            leftCount = SubtreeWide(kernel, input, leftLength, counter, parallel: true, children);
            rightCount = SubtreeWide(kernel, input + leftLength, length - leftLength, rightCounter, parallel: true, right);
        }
        else
        {
            leftCount = SubtreeWide(kernel, input, leftLength, counter, parallel: false, children);
            rightCount = SubtreeWide(kernel, input + leftLength, length - leftLength, rightCounter, parallel: false, right);
        }

        // With one chaining value a side (scalar kernel), hand both up rather than merge them:
        // the caller needs at least two.
        if (leftCount == 1)
        {
            Buffer.MemoryCopy(children, output, 2 * Blake3Constants.OutLen, 2 * Blake3Constants.OutLen);
            return 2;
        }
        return Parents(kernel, children, leftCount + rightCount, output);
    }

    /// <summary>
    /// A power-of-two subtree of at least two pieces, on every core: each thread takes the next
    /// piece (1 MiB, itself a subtree) from a shared counter until none is left, so a core slowed
    /// by another process only takes fewer pieces. (Splitting in halves on two threads and
    /// joining left the faster core idle at every join on this shared machine.) The pieces'
    /// chaining values are then merged a kernel's width at a time down to the width.
    /// </summary>
    private static int InPieces(Blake3Kernel kernel, byte* input, long length, ulong counter, byte* output)
    {
        // The caller takes exactly the width of chaining values for a power-of-two subtree: so
        // at least that many pieces, smaller ones when the subtree is under width MiB.
        var width = Math.Max(kernel.Degree(), 2);
        var piece = Math.Min(Piece, length / width);
        var pieces = (int)(length / piece);
        var pieceChunks = (ulong)(piece / Blake3Constants.ChunkLen);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(2 * pieces * Blake3Constants.OutLen);
        try
        {
            fixed (byte* cvs = buffer)
            {
                nint inputAt = (nint)input, cvsAt = (nint)cvs;
                Parallel.For(0, pieces, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
                {
                    Span<byte> children = stackalloc byte[2 * Blake3Constants.OutLen];
                    SubtreeToParentNode(kernel, (byte*)inputAt + i * piece, piece, counter + (ulong)i * pieceChunks, parallel: false, children);
                    Blake3Output.ParentOf(children[..Blake3Constants.OutLen], children[Blake3Constants.OutLen..])
                        .ChainingValue(new Span<byte>((byte*)cvsAt + i * Blake3Constants.OutLen, Blake3Constants.OutLen));
                });
                var count = pieces;
                var from = cvs;
                var to = cvs + pieces * Blake3Constants.OutLen;
                while (count > width)
                {
                    count = Parents(kernel, from, count, to);
                    var swap = from;
                    from = to;
                    to = swap;
                }
                Buffer.MemoryCopy(from, output, width * Blake3Constants.OutLen, count * Blake3Constants.OutLen);
                return count;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The largest power of two number of chunks strictly less than the input (the left subtree).</summary>
    private static long LeftLength(long length)
    {
        var fullChunks = (ulong)((length - 1) / Blake3Constants.ChunkLen);
        return (1L << BitOperations.Log2(fullChunks)) * Blake3Constants.ChunkLen;
    }

    /// <summary>Chaining values of up to a kernel's width of chunks, the last of which may be partial.</summary>
    private static int Chunks(Blake3Kernel kernel, byte* input, long length, ulong counter, byte* output)
    {
        var full = (int)(length / Blake3Constants.ChunkLen);
        HashMany(kernel, input, full, Blake3Constants.ChunkLen, Blake3Constants.ChunkLen / Blake3Constants.BlockLen,
            counter, incrementCounter: true, 0, Blake3Constants.ChunkStart, Blake3Constants.ChunkEnd, output);
        var rest = (int)(length - (long)full * Blake3Constants.ChunkLen);
        if (rest == 0) return full;
        var chunk = new Blake3ChunkState(counter + (ulong)full);
        chunk.Update(new ReadOnlySpan<byte>(input + (long)full * Blake3Constants.ChunkLen, rest));
        chunk.Output().ChainingValue(new Span<byte>(output + full * Blake3Constants.OutLen, Blake3Constants.OutLen));
        return full + 1;
    }

    /// <summary>One level of parents over <paramref name="count"/> chaining values; an odd last one is carried up as is.</summary>
    private static int Parents(Blake3Kernel kernel, byte* cvs, int count, byte* output)
    {
        var pairs = count / 2;
        HashMany(kernel, cvs, pairs, Blake3Constants.BlockLen, 1, 0, incrementCounter: false, Blake3Constants.Parent, 0, 0, output);
        if ((count & 1) == 0) return pairs;
        Buffer.MemoryCopy(cvs + pairs * Blake3Constants.BlockLen, output + pairs * Blake3Constants.OutLen, Blake3Constants.OutLen, Blake3Constants.OutLen);
        return pairs + 1;
    }

    /// <summary>
    /// Compresses <paramref name="count"/> inputs of whole blocks, a kernel's width at a time;
    /// one or two left over (the top parents of a tree) go through the scalar code.
    /// </summary>
    internal static void HashMany(Blake3Kernel kernel, byte* input, int count, nint stride, int blocks, ulong counter, bool incrementCounter, uint flags, uint flagsStart, uint flagsEnd, byte* output)
    {
        if (kernel != Blake3Kernel.Scalar) Blake3Kernels.MarkWarm();
        while (count > 0)
        {
            int n;
            // Short runs go through the 16-way kernel too, padded: on an AVX-512 machine a short
            // command then compiles one kernel at run time, not two.
            if (kernel == Blake3Kernel.Avx512 && count > 2)
            {
                n = Math.Min(count, Blake3Avx512.Degree);
                Blake3Avx512.HashMany(input, n, stride, blocks, counter, incrementCounter, flags, flagsStart, flagsEnd, output);
            }
            else if (kernel == Blake3Kernel.Vector128 && count > 2)
            {
                n = Math.Min(count, Blake3Vector128.Degree);
                Blake3Vector128.HashMany(input, n, stride, blocks, counter, incrementCounter, flags, flagsStart, flagsEnd, output);
            }
            else if (kernel != Blake3Kernel.Scalar && count > 2)
            {
                n = Math.Min(count, Blake3Avx2.Degree);
                Blake3Avx2.HashMany(input, n, stride, blocks, counter, incrementCounter, flags, flagsStart, flagsEnd, output);
            }
            else
            {
                n = 1;
                HashOne(input, blocks, counter, flags, flagsStart, flagsEnd, output);
            }
            input += n * stride;
            output += n * Blake3Constants.OutLen;
            if (incrementCounter) counter += (ulong)n;
            count -= n;
        }
    }

    private static void HashOne(byte* input, int blocks, ulong counter, uint flags, uint flagsStart, uint flagsEnd, byte* output)
    {
        Span<uint> cv = stackalloc uint[8];
        Span<uint> block = stackalloc uint[16];
        Blake3Constants.Iv.CopyTo(cv);
        for (var b = 0; b < blocks; b++)
        {
            Blake3Scalar.Load(new ReadOnlySpan<byte>(input + b * Blake3Constants.BlockLen, Blake3Constants.BlockLen), block);
            var blockFlags = flags | (b == 0 ? flagsStart : 0) | (b == blocks - 1 ? flagsEnd : 0);
            Blake3Scalar.Compress(cv, block, counter, Blake3Constants.BlockLen, blockFlags, cv);
        }
        for (var i = 0; i < 8; i++) System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(new Span<byte>(output + i * 4, 4), cv[i]);
    }
}
