namespace Keel.Objects;

/// <summary>
/// A stored object opened for reading, hashed (BLAKE3) as the caller reads it: the read that
/// reaches the end throws <see cref="ObjectCorruptException"/> when the bytes do not hash to the
/// object's name, so a reader that consumes the whole object checks it in the same pass and never
/// sees the end of damaged bytes as success. A reader that seeks (Parquet, zip: they start at the
/// footer) gets the whole object checked at its first seek, one extra pass, before any byte after
/// it. A caller that stops early without seeking (a header peek) checks nothing.
/// </summary>
internal sealed class VerifyingStream(Stream inner, Digest expected) : Stream
{
    private const int WholeBufferBytes = 1 << 20;

    private readonly Blake3Hasher _hasher = new();
    private long _hashed;
    private bool _verified;

    public override bool CanRead => true;

    public override bool CanSeek => inner.CanSeek;

    public override bool CanWrite => false;

    public override long Length => inner.Length;

    public override long Position
    {
        get => inner.Position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_verified) return inner.Read(buffer);
        var n = inner.Read(buffer);
        return Account(buffer[..n], buffer.IsEmpty);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_verified) return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        var n = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Account(buffer.Span[..n], buffer.IsEmpty);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int ReadByte()
    {
        Span<byte> one = stackalloc byte[1];
        return Read(one) == 1 ? one[0] : -1;
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => inner.Position + offset,
            _ => inner.Length + offset,
        };
        // Staying where the sequential hash has reached keeps the one-pass check.
        if (!_verified && target != _hashed) VerifyWhole();
        return inner.Seek(target, SeekOrigin.Begin);
    }

    private int Account(ReadOnlySpan<byte> read, bool askedForNothing)
    {
        if (read.Length > 0)
        {
            if (read.Length >= ContentHasher.ParallelThreshold) _hasher.UpdateParallel(read);
            else _hasher.Update(read);
            _hashed += read.Length;
        }
        else if (!askedForNothing)
        {
            Check(_hasher);
        }
        return read.Length;
    }

    /// <summary>Hashes the whole object from its start, then returns to where the reader was.</summary>
    private void VerifyWhole()
    {
        var at = inner.Position;
        inner.Seek(0, SeekOrigin.Begin);
        var hasher = new Blake3Hasher();
        var buffer = new byte[(int)Math.Clamp(inner.Length, 1, WholeBufferBytes)];
        int n;
        while ((n = inner.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false)) > 0)
            hasher.Update(buffer.AsSpan(0, n));
        Check(hasher);
        inner.Seek(at, SeekOrigin.Begin);
    }

    private void Check(Blake3Hasher hasher)
    {
        Span<byte> hash = stackalloc byte[32];
        hasher.Finalize(hash);
        var actual = Digest.FromBytes(hash);
        if (actual != expected) throw new ObjectCorruptException(expected, actual);
        _verified = true;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
