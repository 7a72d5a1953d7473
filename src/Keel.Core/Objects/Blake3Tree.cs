using System.Numerics;
using System.Runtime.CompilerServices;

namespace Keel.Objects;

/// <summary>
/// BLAKE3's tree over whole subtrees of chunks: the chunks are compressed a kernel's width at
/// a time, and so is each level of parents above them (parents are a sixteenth of the work,
/// too much to do one by one), as the reference implementation's <c>compress_subtree_wide</c>.
/// Large subtrees are split at power-of-two boundaries and their halves hashed on two threads.
/// </summary>
[SkipLocalsInit]
internal static unsafe class Blake3Tree
{
    /// <summary>Subtrees smaller than this are not worth a hand-off to another thread.</summary>
    private const long ParallelMin = 1 << 20;

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
        if (parallel && length >= ParallelMin)
        {
            (leftCount, rightCount) = BothHalves(kernel, input, length, leftLength, counter, rightCounter, children, right);
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

    /// <summary>The two halves on two threads (a method of its own so the lambdas' captures cost nothing on the sequential path).</summary>
    private static (int Left, int Right) BothHalves(Blake3Kernel kernel, byte* input, long length, long leftLength, ulong counter, ulong rightCounter, byte* leftOutput, byte* rightOutput)
    {
        // Pointers go through nint to enter the lambdas; the output is the caller's stack
        // memory, which Parallel.Invoke does not outlive.
        nint inputAt = (nint)input, leftAt = (nint)leftOutput, rightAt = (nint)rightOutput;
        int left = 0, right = 0;
        Parallel.Invoke(
            () => left = SubtreeWide(kernel, (byte*)inputAt, leftLength, counter, parallel: true, (byte*)leftAt),
            () => right = SubtreeWide(kernel, (byte*)inputAt + leftLength, length - leftLength, rightCounter, parallel: true, (byte*)rightAt));
        return (left, right);
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
