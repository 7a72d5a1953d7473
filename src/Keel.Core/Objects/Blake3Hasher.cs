using System.Numerics;
using System.Runtime.CompilerServices;

namespace Keel.Objects;

/// <summary>
/// BLAKE3-256 fed in pieces of any size: a chunk being filled plus a stack of the chaining
/// values of completed subtrees. Large aligned pieces are hashed as whole subtrees by
/// <see cref="Blake3Tree"/>. Merges are lazy: the last chunk or subtree stays unmerged until
/// <see cref="Finalize"/>, since it may turn out to be the root's child, or the root itself.
/// </summary>
internal sealed unsafe class Blake3Hasher
{
    /// <summary>Null: each update picks its kernel by size (<see cref="Blake3Kernels.For"/>).</summary>
    private readonly Blake3Kernel? _kernel;
    private Blake3ChunkState _chunk = new(0);
    private CvStack _stack;
    private int _depth;

    public Blake3Hasher()
    {
    }

    /// <summary>Tests pick the kernel to check each against the others.</summary>
    public Blake3Hasher(Blake3Kernel kernel)
    {
        if (!Blake3Kernels.IsSupported(kernel)) throw new PlatformNotSupportedException($"this CPU cannot run the {kernel} BLAKE3 kernel");
        _kernel = kernel;
    }

    /// <summary>Adds bytes, hashed on the calling thread.</summary>
    public void Update(ReadOnlySpan<byte> input) => Update(input, parallel: false);

    /// <summary>Adds bytes, hashed on every core: for pieces of <see cref="ContentHasher.ParallelThreshold"/> and more.</summary>
    public void UpdateParallel(ReadOnlySpan<byte> input) => Update(input, parallel: true);

    /// <summary>Writes the 32-byte hash of everything added so far.</summary>
    public void Finalize(Span<byte> output32)
    {
        if (_depth == 0)
        {
            _chunk.Output().Root(output32);
            return;
        }
        Blake3Output output;
        int remaining;
        if (_chunk.Length > 0)
        {
            output = _chunk.Output();
            remaining = _depth;
        }
        else
        {
            // No open chunk: the last subtree pushed was a pair (see Update), the root's children.
            output = Blake3Output.ParentOf(Cv(_depth - 2), Cv(_depth - 1));
            remaining = _depth - 2;
        }
        Span<byte> cv = stackalloc byte[Blake3Constants.OutLen];
        while (remaining > 0)
        {
            output.ChainingValue(cv);
            output = Blake3Output.ParentOf(Cv(--remaining), cv);
        }
        output.Root(output32);
    }

    private void Update(ReadOnlySpan<byte> input, bool parallel)
    {
        Span<byte> cvs = stackalloc byte[2 * Blake3Constants.OutLen];
        if (_chunk.Length > 0)
        {
            var take = Math.Min(Blake3Constants.ChunkLen - _chunk.Length, input.Length);
            _chunk.Update(input[..take]);
            input = input[take..];
            if (input.IsEmpty) return;
            // More bytes follow, so this chunk is not the root: it becomes a chaining value.
            _chunk.Output().ChainingValue(cvs);
            Push(cvs[..Blake3Constants.OutLen], _chunk.Counter);
            _chunk = new Blake3ChunkState(_chunk.Counter + 1);
        }

        var kernel = _kernel ?? Blake3Kernels.For(input.Length);
        // Whole subtrees, as large as both the input and the alignment of the chunks so far
        // allow; more than a chunk must remain, because the last one stays open.
        while (input.Length > Blake3Constants.ChunkLen)
        {
            var counter = _chunk.Counter;
            long subtree = 1L << BitOperations.Log2((ulong)input.Length);
            while ((((ulong)subtree - 1) & (counter * Blake3Constants.ChunkLen)) != 0) subtree /= 2;
            var subtreeChunks = (ulong)subtree / Blake3Constants.ChunkLen;
            if (subtree == Blake3Constants.ChunkLen)
            {
                var chunk = new Blake3ChunkState(counter);
                chunk.Update(input[..Blake3Constants.ChunkLen]);
                chunk.Output().ChainingValue(cvs);
                Push(cvs[..Blake3Constants.OutLen], counter);
            }
            else
            {
                fixed (byte* start = input)
                {
                    Blake3Tree.SubtreeToParentNode(kernel, start, subtree, counter, parallel, cvs);
                }
                Push(cvs[..Blake3Constants.OutLen], counter);
                Push(cvs[Blake3Constants.OutLen..], counter + subtreeChunks / 2);
            }
            _chunk = new Blake3ChunkState(counter + subtreeChunks);
            input = input[(int)subtree..];
        }

        if (!input.IsEmpty)
        {
            _chunk.Update(input);
            Merge(_chunk.Counter);
        }
    }

    /// <summary>Pushes a subtree's chaining value after merging what the chunks before it complete.</summary>
    private void Push(ReadOnlySpan<byte> cv, ulong chunksBefore)
    {
        Merge(chunksBefore);
        cv.CopyTo(((Span<byte>)_stack).Slice(_depth * Blake3Constants.OutLen, Blake3Constants.OutLen));
        _depth++;
    }

    /// <summary>
    /// After <paramref name="chunks"/> chunks the stack holds one subtree per set bit of that
    /// count; merges the pairs above that.
    /// </summary>
    private void Merge(ulong chunks)
    {
        var keep = BitOperations.PopCount(chunks);
        Span<byte> parent = stackalloc byte[Blake3Constants.OutLen];
        while (_depth > keep)
        {
            Blake3Output.ParentOf(Cv(_depth - 2), Cv(_depth - 1)).ChainingValue(parent);
            parent.CopyTo(((Span<byte>)_stack).Slice((_depth - 2) * Blake3Constants.OutLen, Blake3Constants.OutLen));
            _depth--;
        }
    }

    private ReadOnlySpan<byte> Cv(int index) => ((ReadOnlySpan<byte>)_stack).Slice(index * Blake3Constants.OutLen, Blake3Constants.OutLen);

    [InlineArray(Blake3Constants.MaxDepth * Blake3Constants.OutLen)]
    private struct CvStack
    {
        private byte _element;
    }
}
