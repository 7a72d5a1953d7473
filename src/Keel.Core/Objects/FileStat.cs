using System.Runtime.InteropServices;

namespace Keel.Objects;

/// <summary>What the stat cache keys on: size, modification time (ns), inode, and the mode bits.</summary>
internal readonly record struct FileStat(long Size, long MtimeNs, ulong Inode, int Mode)
{
    public bool IsExecutable => (Mode & 0b001_001_001) != 0;

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
        // struct stat on x86_64 glibc is 144 bytes; offsets below are fixed by that ABI.
        byte* buf = stackalloc byte[144];
        if (Stat(path, buf) != 0)
        {
            stat = default;
            return false;
        }
        var ino = *(ulong*)(buf + 8);
        var mode = *(uint*)(buf + 24);
        var size = *(long*)(buf + 48);
        var mtimeSec = *(long*)(buf + 88);
        var mtimeNsec = *(long*)(buf + 96);
        // S_IFREG check: directories and devices are not files.
        if ((mode & 0xF000) != 0x8000)
        {
            stat = default;
            return false;
        }
        stat = new FileStat(size, (mtimeSec * 1_000_000_000) + mtimeNsec, ino, (int)(mode & 0xFFF));
        return true;
    }

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int Stat(string path, byte* buf);
}
