using System.Diagnostics;

namespace Keel.Objects;

/// <summary>
/// The local store's lock file (<c>objects/lock</c>, flock): every writer holds it shared from
/// before its first object until after its metadata commit; gc holds it exclusive while it marks
/// and sweeps. The kernel drops a killed process's lock, so nothing is ever left locked.
/// </summary>
internal sealed class StoreLock(string root)
{
    private int _sharedFd = -1;

    public string FilePath => Path.Combine(root, "lock");

    /// <summary>Takes the shared lock, waiting for a running gc to finish.</summary>
    public void AcquireShared()
    {
        if (!NativeLock.IsAvailable || _sharedFd >= 0) return;
        var fd = Open();
        try
        {
            NativeLock.TryLock(fd, exclusive: false, wait: true);
        }
        catch
        {
            NativeLock.Close(fd);
            throw;
        }
        _sharedFd = fd;
    }

    public void ReleaseShared()
    {
        NativeLock.Close(_sharedFd);
        _sharedFd = -1;
    }

    /// <summary>Takes the exclusive lock within <paramref name="wait"/>, or throws naming the writers that hold it.</summary>
    public IDisposable AcquireExclusive(TimeSpan wait, CancellationToken cancellationToken)
    {
        if (!NativeLock.IsAvailable) return new Held(-1);
        var fd = Open();
        try
        {
            var clock = Stopwatch.StartNew();
            while (!NativeLock.TryLock(fd, exclusive: true, wait: false))
            {
                if (clock.Elapsed >= wait)
                {
                    var holders = NativeLock.Holders(FilePath);
                    var who = holders.Count > 0 ? string.Join(", ", holders) : "another keel process";
                    throw new KeelException(
                        $"the object store {root} is in use by {who}; gc waited {wait.TotalSeconds:0.#}s for it. Run gc again when that finishes, or wait longer with --wait");
                }
                cancellationToken.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(50));
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        catch
        {
            NativeLock.Close(fd);
            throw;
        }
        return new Held(fd);
    }

    private int Open()
    {
        try
        {
            return NativeLock.OpenFile(FilePath);
        }
        catch (IOException) when (!Directory.Exists(root))
        {
            Directory.CreateDirectory(root);
            return NativeLock.OpenFile(FilePath);
        }
    }

    private sealed class Held(int fd) : IDisposable
    {
        private int _fd = fd;

        public void Dispose() => NativeLock.Close(Interlocked.Exchange(ref _fd, -1));
    }
}
