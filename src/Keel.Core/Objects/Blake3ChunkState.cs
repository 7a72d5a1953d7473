using System.Runtime.CompilerServices;

namespace Keel.Objects;

/// <summary>
/// One chunk being hashed a block at a time (scalar): for the bytes of an incremental update
/// that do not fill whole chunks, and for the partial last chunk of a one-shot hash.
/// </summary>
internal struct Blake3ChunkState
{
    private Words8 _cv;
    private Bytes64 _buffer;
    private int _bufferLength;
    private int _blocksCompressed;

    public Blake3ChunkState(ulong counter)
    {
        Blake3Constants.Iv.CopyTo(_cv);
        Counter = counter;
    }

    public ulong Counter { get; }

    /// <summary>Bytes taken so far, at most one chunk.</summary>
    public readonly int Length => _blocksCompressed * Blake3Constants.BlockLen + _bufferLength;

    /// <summary>Takes at most what fills the chunk; the caller passes no more than <c>ChunkLen - Length</c>.</summary>
    public void Update(ReadOnlySpan<byte> input)
    {
        Span<uint> block = stackalloc uint[16];
        while (!input.IsEmpty)
        {
            // The last block stays buffered: it is compressed with CHUNK_END, maybe as the root.
            if (_bufferLength == Blake3Constants.BlockLen)
            {
                Blake3Scalar.Load(_buffer, block);
                Blake3Scalar.Compress(_cv, block, Counter, Blake3Constants.BlockLen, StartFlag, _cv);
                _blocksCompressed++;
                _bufferLength = 0;
            }
            var take = Math.Min(Blake3Constants.BlockLen - _bufferLength, input.Length);
            input[..take].CopyTo(((Span<byte>)_buffer)[_bufferLength..]);
            _bufferLength += take;
            input = input[take..];
        }
    }

    /// <summary>The chunk's last compression, not yet run: its chaining value, or the root if the chunk is all there is.</summary>
    public readonly Blake3Output Output()
    {
        var output = new Blake3Output { Counter = Counter, BlockLength = (uint)_bufferLength, Flags = StartFlag | Blake3Constants.ChunkEnd };
        _cv[..].CopyTo(output.Cv);
        Blake3Scalar.Load(_buffer[.._bufferLength], output.Block);
        return output;
    }

    private readonly uint StartFlag => _blocksCompressed == 0 ? Blake3Constants.ChunkStart : 0;

    [InlineArray(64)]
    private struct Bytes64
    {
        private byte _element;
    }
}
