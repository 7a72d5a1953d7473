using System.Runtime.InteropServices;

namespace Keel.Objects;

/// <summary>
/// What the stat cache keys on: size, modification time (ns), inode, the mode bits, and the
/// inode change time (ns; 0 where the platform has none). ctime cannot be set back by a user,
/// so a same-size rewrite whose mtime was restored afterwards (<c>touch -d</c>, <c>cp -p</c>,
/// an archive extractor) is still seen, as git's index sees it.
/// </summary>
internal readonly record struct FileStat(long Size, long MtimeNs, ulong Inode, int Mode, long CtimeNs = 0)
{
    public bool IsExecutable => (Mode & 0b001_001_001) != 0;

    /// <summary>
    /// Size, mtime and inode agree with <paramref name="before"/>: the bytes were not rewritten
    /// in between. Mode and ctime may differ (a chmod or a new hard link moves only those).
    /// </summary>
    public bool SameBytesAs(FileStat before) => Size == before.Size && MtimeNs == before.MtimeNs && Inode == before.Inode;

    /// <summary>Stats a file, following symlinks; null when it does not exist.</summary>
    public static FileStat? Of(string path)
    {
        if (NativeStat.IsAvailable)
            return NativeStat.TryStat(path, out var st) ? st : null;
        var info = new FileInfo(path);
        if (!info.Exists) return null;
        var mode = OperatingSystem.IsWindows() ? 0b110_100_100 : (int)info.UnixFileMode;
        return new FileStat(info.Length, (info.LastWriteTimeUtc - DateTime.UnixEpoch).Ticks * 100, 0, mode);
    }
}

/// <summary>stat(2) on linux-x64 glibc, the one call that gives size, mtime and inode together.</summary>
internal static partial class NativeStat
{
    public static readonly bool IsAvailable = Probe();

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64) return false;
        try
        {
            // Probe on a directory: the call must succeed, though TryStat refuses non-files.
            unsafe
            {
                byte* buf = stackalloc byte[144];
                return Stat("/", buf) == 0 && (*(uint*)(buf + 24) & 0xF000) == 0x4000;
            }
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
        catch (DllNotFoundException)
        {
            return false;
        }
    }

    public static unsafe bool TryStat(string path, out FileStat stat)
    {
        // struct stat on x86_64 glibc is 144 bytes; offsets in Decode are fixed by that ABI.
        byte* buf = stackalloc byte[StatSize];
        if (Stat(path, buf) != 0 || FormatOf(buf) != RegularFile)
        {
            stat = default;
            return false;
        }
        stat = Decode(buf);
        return true;
    }

    /// <summary>The later of a path's mtime and ctime (ns): a hard link or chmod moves ctime, never mtime.</summary>
    public static unsafe long? ChangedAtNs(string path)
    {
        byte* buf = stackalloc byte[StatSize];
        if (Stat(path, buf) != 0) return null;
        var mtime = (*(long*)(buf + 88) * 1_000_000_000) + *(long*)(buf + 96);
        var ctime = (*(long*)(buf + 104) * 1_000_000_000) + *(long*)(buf + 112);
        return Math.Max(mtime, ctime);
    }

    public const int StatSize = 144;
    public const uint RegularFile = 0x8000;
    public const uint DirectoryFile = 0x4000;
    public const uint SymbolicLink = 0xA000;

    /// <summary>The S_IFMT bits of a filled stat buffer.</summary>
    public static unsafe uint FormatOf(byte* buf) => *(uint*)(buf + 24) & 0xF000;

    public static unsafe FileStat Decode(byte* buf)
    {
        var ino = *(ulong*)(buf + 8);
        var mode = *(uint*)(buf + 24);
        var size = *(long*)(buf + 48);
        var mtimeSec = *(long*)(buf + 88);
        var mtimeNsec = *(long*)(buf + 96);
        var ctimeNs = (*(long*)(buf + 104) * 1_000_000_000) + *(long*)(buf + 112);
        return new FileStat(size, (mtimeSec * 1_000_000_000) + mtimeNsec, ino, (int)(mode & 0xFFF), ctimeNs);
    }

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Stat(string path, byte* buf);

    /// <summary>fstatat(2): a name relative to an open directory, so the kernel resolves one component.</summary>
    [LibraryImport("libc", EntryPoint = "fstatat")]
    public static unsafe partial int StatAt(int dirFd, byte* name, byte* buf, int flags);
}
