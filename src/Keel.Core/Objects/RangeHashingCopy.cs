using Microsoft.Win32.SafeHandles;

namespace Keel.Objects;

/// <summary>
/// Copies a byte range of an open file into a new file inside the kernel (<see cref="FileRangeCopy"/>)
/// and hashes (BLAKE3, tree mode on every core) what landed in the new file, read through a memory
/// map, while the kernel copies further ahead on its own thread: the bytes cross no user-space
/// buffer, and the digest is that of the file written, whatever happens to the source meanwhile.
/// </summary>
internal static class RangeHashingCopy
{
    private const int SliceBytes = 32 << 20;

    /// <summary>Copies up to <paramref name="length"/> bytes from <paramref name="offset"/>; returns how many came (fewer when the source ended) and their digest.</summary>
    public static (long Copied, Digest Digest) Copy(SafeFileHandle source, long offset, long length, string target)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var hasher = new Blake3Hasher();
        long copied = 0;
        // Preallocated (fallocate): the kernel copy then fills blocks already reserved instead of
        // reserving each page as it lands.
        using (var output = File.OpenHandle(target, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.None, length))
        {
            if (length > 0)
            {
                copied = CopyAndHash(source, offset, length, output, hasher);
                if (copied < length) RandomAccess.SetLength(output, copied);
            }
        }
        Span<byte> hash = stackalloc byte[32];
        hasher.Finalize(hash);
        return (copied, Digest.FromBytes(hash));
    }

    private static unsafe long CopyAndHash(SafeFileHandle source, long offset, long length, SafeFileHandle output, Blake3Hasher hasher)
    {
        // The target gets its full length first, so the part already copied can be mapped and
        // hashed while the kernel fills the rest; a source that ends early shrinks it again.
        RandomAccess.SetLength(output, length);
        using var map = ReadMap.OfHandle(output, length, "the copy");
        var progress = new Progress();
        var copier = Task.CompletedTask;
        var start = map.Start;
        try
        {
            copier = Task.Factory.StartNew(() => progress.CopyAll(source, offset, length, output), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            long hashed = 0;
            while (true)
            {
                progress.Signal.Wait();
                var ended = progress.Ended;
                var available = progress.Copied;
                while (hashed < available)
                {
                    var count = (int)Math.Min(available - hashed, 1 << 30);
                    var slice = new ReadOnlySpan<byte>(start + hashed, count);
                    if (count >= ContentHasher.ParallelThreshold) hasher.UpdateParallel(slice);
                    else hasher.Update(slice);
                    hashed += count;
                }
                if (ended) break;
            }
            copier.GetAwaiter().GetResult();
            return hashed;
        }
        finally
        {
            // Never leave a copy running into a file the caller is about to close.
            progress.RequestStop();
            if (!copier.IsCompleted) copier.ContinueWith(_ => { }, TaskScheduler.Default).Wait();
        }
    }

    /// <summary>The copier's side: how far the target is filled, published after each slice.</summary>
    private sealed class Progress
    {
        private long _copied;
        private volatile bool _ended;
        private volatile bool _stop;

        public SemaphoreSlim Signal { get; } = new(0);

        /// <summary>Asks the copier to end after the slice it is copying.</summary>
        public void RequestStop() => _stop = true;

        public long Copied => Interlocked.Read(ref _copied);

        /// <summary>True once the copier is done; everything it copied is in <see cref="Copied"/> by then.</summary>
        public bool Ended => _ended;

        public void CopyAll(SafeFileHandle source, long offset, long length, SafeFileHandle output)
        {
            try
            {
                long copied = 0;
                while (copied < length && !_stop)
                {
                    var asked = Math.Min(SliceBytes, length - copied);
                    var n = FileRangeCopy.Copy(source, offset + copied, output, copied, asked);
                    copied += n;
                    Interlocked.Exchange(ref _copied, copied);
                    Signal.Release();
                    if (n < asked) break;
                }
            }
            finally
            {
                _ended = true;
                Signal.Release();
            }
        }
    }
}
