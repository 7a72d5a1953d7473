namespace Keel.Objects;

/// <summary>
/// Each process writes its temp files in a folder of its own under <c>tmp/</c>
/// (<c>owner-PID-GUID</c>), which it holds an exclusive flock on for as long as it lives. A
/// folder nobody holds belongs to a process that is gone (a pid alone could be reused; a lock
/// dies with its process), so the next writer removes it: a killed 2 GiB add does not leave
/// 2 GiB behind until gc. Checking costs one readdir of <c>tmp/</c>, usually empty.
/// </summary>
internal sealed class TempOwners(string tmp)
{
    public const string Prefix = "owner-";

    private readonly Lock _gate = new();
    private string? _own;
    private int _ownFd = -1;

    /// <summary>This process's folder, created and locked on first use.</summary>
    public string Own()
    {
        if (_own is { } own) return own;
        lock (_gate)
        {
            if (_own is not null) return _own;
            for (var attempt = 0; ; attempt++)
            {
                var path = Path.Combine(tmp, $"{Prefix}{Environment.ProcessId}-{Guid.NewGuid():N}");
                Directory.CreateDirectory(path);
                if (!NativeLock.IsAvailable) return _own = path;
                var fd = NativeLock.OpenDirectory(path);
                if (fd >= 0)
                {
                    NativeLock.TryLock(fd, exclusive: true, wait: true);
                    // Another process may have taken the new folder for abandoned and removed it
                    // between the mkdir and the lock: then start over with a new one.
                    if (Directory.Exists(path))
                    {
                        _ownFd = fd;
                        return _own = path;
                    }
                    NativeLock.Close(fd);
                }
                if (attempt == 3) throw new IOException($"cannot keep a temp folder under {tmp}");
            }
        }
    }

    /// <summary>Removes the folders of processes that are gone; how many files they held.</summary>
    public int RemoveAbandoned()
    {
        if (!NativeLock.IsAvailable || !Directory.Exists(tmp)) return 0;
        var files = 0;
        foreach (var dir in Directory.EnumerateDirectories(tmp, Prefix + "*"))
        {
            if (dir == _own) continue;
            var fd = NativeLock.OpenDirectory(dir);
            if (fd < 0) continue;
            try
            {
                if (!NativeLock.TryLock(fd, exclusive: true, wait: false)) continue;
                files += Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Count();
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // Removed by another process meanwhile.
            }
            catch (UnauthorizedAccessException)
            {
            }
            finally
            {
                NativeLock.Close(fd);
            }
        }
        return files;
    }

    /// <summary>Removes this process's folder (what is left in it was never published) and lets go of it.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_own is null) return;
            try
            {
                Directory.Delete(_own, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
            NativeLock.Close(_ownFd);
            _ownFd = -1;
            _own = null;
        }
    }
}
