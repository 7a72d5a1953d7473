using Microsoft.Win32.SafeHandles;

namespace Keel.Objects;

/// <summary>
/// Copies a stream into a new file and hashes it (BLAKE3) on the way, so the bytes are read once
/// and written once, and the digest is that of exactly the bytes written. Large copies go by
/// slices through two buffers: a slice is hashed (tree mode on every core) while the one before
/// it is being written.
/// </summary>
internal sealed class HashingCopy
{
    private const int SliceBytes = 8 << 20;

    private readonly byte[][] _buffers = [[], []];

    /// <summary>Copies up to <paramref name="length"/> bytes; returns how many came (fewer when the stream ended) and their digest.</summary>
    public (long Copied, Digest Digest) Copy(Stream source, long length, string target)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var output = File.OpenHandle(target, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None);
        var hasher = new Blake3Hasher();
        Task writing = Task.CompletedTask;
        long offset = 0;
        var slice = 0;
        var size = (int)Math.Clamp(length, 1, SliceBytes);
        if (_buffers[0].Length < size) _buffers[0] = new byte[size];
        if (_buffers[1].Length < size && length > SliceBytes) _buffers[1] = new byte[size];
        try
        {
            while (offset < length)
            {
                var buffer = _buffers[slice++ & 1];
                // A slice is filled unless the stream ends: a stream that returns a little at a
                // time (gzip) must not move on to a second buffer a small copy never allocated.
                var want = (int)Math.Min(buffer.Length, length - offset);
                var n = source.ReadAtLeast(buffer.AsSpan(0, want), want, throwOnEndOfStream: false);
                if (n == 0) break;
                if (n >= ContentHasher.ParallelThreshold) hasher.UpdateParallel(buffer.AsSpan(0, n));
                else hasher.Update(buffer.AsSpan(0, n));
                writing.GetAwaiter().GetResult();
                writing = Write(output, buffer, n, offset, n == length);
                offset += n;
            }
        }
        finally
        {
            // Never leave a write running on a buffer the next copy reuses.
            writing.Wait();
        }
        if (offset < length) RandomAccess.SetLength(output, offset);
        Span<byte> hash = stackalloc byte[32];
        hasher.Finalize(hash);
        return (offset, Digest.FromBytes(hash));
    }

    /// <summary>A small file (all of it in one slice) is written in line; a slice of a large one in the background.</summary>
    private static Task Write(SafeFileHandle output, byte[] buffer, int count, long offset, bool whole)
    {
        if (whole)
        {
            RandomAccess.Write(output, buffer.AsSpan(0, count), offset);
            return Task.CompletedTask;
        }
        return Task.Run(() => RandomAccess.Write(output, buffer.AsSpan(0, count), offset));
    }
}
