using System.Globalization;
using System.Runtime.InteropServices;

namespace Keel.Objects;

/// <summary>
/// flock(2) on a file or folder (Linux): shared or exclusive, released by the kernel when the
/// descriptor closes, so a killed process never leaves a lock behind. Two descriptors opened by
/// one process conflict like two processes, which lets a process test a lock it does not hold.
/// </summary>
internal static partial class NativeLock
{
    private const int LockShared = 1, LockExclusive = 2, LockNonBlocking = 4;
    private const int OpenLockFile = 0x40 | 0x80000; // O_RDONLY | O_CREAT | O_CLOEXEC
    private const int OpenFolder = 0x10000 | 0x80000; // O_RDONLY | O_DIRECTORY | O_CLOEXEC
    private const int Eintr = 4, Ewouldblock = 11;

    public static bool IsAvailable => NativeStat.IsAvailable;

    /// <summary>Opens (creating it if needed) a lock file; the caller closes the descriptor.</summary>
    public static int OpenFile(string path)
    {
        var fd = Open(path, OpenLockFile, 0b110_110_110);
        if (fd < 0) throw new IOException($"cannot open the lock file '{path}' (errno {Marshal.GetLastPInvokeError()})");
        return fd;
    }

    /// <summary>Opens a folder to lock it; -1 when it is gone.</summary>
    public static int OpenDirectory(string path) => Open(path, OpenFolder, 0);

    /// <summary>Takes the lock; false when <paramref name="wait"/> is false and another holder has a conflicting lock.</summary>
    public static bool TryLock(int fd, bool exclusive, bool wait)
    {
        var op = (exclusive ? LockExclusive : LockShared) | (wait ? 0 : LockNonBlocking);
        while (true)
        {
            if (Flock(fd, op) == 0) return true;
            var errno = Marshal.GetLastPInvokeError();
            if (errno == Eintr) continue;
            if (errno == Ewouldblock) return false;
            throw new IOException($"flock failed (errno {errno})");
        }
    }

    public static void Close(int fd)
    {
        if (fd >= 0) _ = CloseFd(fd);
    }

    /// <summary>
    /// The processes holding or waiting for a flock on <paramref name="path"/>, as "keel gc (pid
    /// 12)", read from /proc/locks (empty where it cannot be read).
    /// </summary>
    public static IReadOnlyList<string> Holders(string path)
    {
        try
        {
            if (!NativeStat.TryStat(path, out var st)) return [];
            var inode = ":" + st.Inode.ToString(CultureInfo.InvariantCulture);
            var holders = new List<string>();
            foreach (var line in File.ReadLines("/proc/locks"))
            {
                // "1: FLOCK  ADVISORY  READ  1234 08:01:5678 0 EOF"; waiters carry "->".
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length < 6 || parts[1] != "FLOCK" || parts.Contains("->") || !parts[5].EndsWith(inode, StringComparison.Ordinal)) continue;
                if (!int.TryParse(parts[4], CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId) continue;
                var name = $"{CommandOf(pid)} (pid {pid})";
                if (!holders.Contains(name)) holders.Add(name);
            }
            return holders;
        }
        catch (IOException)
        {
            return [];
        }
        catch (UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static string CommandOf(int pid)
    {
        try
        {
            var args = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
            if (args.Length == 0) return "a process";
            var words = args.Take(3).Select((a, i) => i == 0 ? Path.GetFileName(a) : a);
            return string.Join(' ', words);
        }
        catch (IOException)
        {
            return "a process";
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int CloseFd(int fd);
}
