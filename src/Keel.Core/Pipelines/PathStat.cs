using System.Runtime.InteropServices;

namespace Keel.Pipelines;

/// <summary>
/// What the no-op snapshot compares for a file or folder: size, modification and change times
/// (ns), inode, device and mode (type and permissions). Any write, rename, chmod or replacement
/// changes at least one of them.
/// </summary>
internal readonly partial record struct PathStat(long Size, long MtimeNs, long CtimeNs, ulong Inode, ulong Device, uint Mode)
{
    public const int EncodedLength = 48;

    public bool IsDirectory => (Mode & 0xF000) == 0x4000;

    public bool IsFile => (Mode & 0xF000) == 0x8000;

    /// <summary>statx(2) on Linux (glibc 2.28+); elsewhere the no-op shortcut is off and every run takes the full path.</summary>
    public static bool IsAvailable { get; } = Probe();

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            return Of("/"u8) is { IsDirectory: true };
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Stats a NUL-terminated UTF-8 path, following symlinks; null when it does not exist or cannot be read.</summary>
    public static unsafe PathStat? Of(ReadOnlySpan<byte> pathWithNul)
    {
        // struct statx has the same layout on every architecture; offsets from linux/stat.h.
        byte* buf = stackalloc byte[256];
        int rc;
        fixed (byte* p = pathWithNul) rc = Statx(AtFdCwd, p, 0, StatxBasicStats, buf);
        if (rc != 0) return null;
        var mode = *(ushort*)(buf + 28);
        var ino = *(ulong*)(buf + 32);
        var size = *(long*)(buf + 40);
        var ctime = (*(long*)(buf + 96) * 1_000_000_000) + *(uint*)(buf + 104);
        var mtime = (*(long*)(buf + 112) * 1_000_000_000) + *(uint*)(buf + 120);
        var dev = ((ulong)*(uint*)(buf + 136) << 32) | *(uint*)(buf + 140);
        return new PathStat(size, mtime, ctime, ino, dev, mode);
    }

    public static PathStat? Of(string path)
    {
        var bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(path) + 1];
        System.Text.Encoding.UTF8.GetBytes(path, bytes);
        return Of(bytes);
    }

    private const int AtFdCwd = -100;
    private const uint StatxBasicStats = 0x7FF;

    [LibraryImport("libc", EntryPoint = "statx")]
    private static unsafe partial int Statx(int dirfd, byte* path, int flags, uint mask, byte* buf);
}
