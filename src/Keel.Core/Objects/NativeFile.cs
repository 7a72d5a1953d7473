using System.Runtime.InteropServices;

namespace Keel.Objects;

/// <summary>
/// Plain open/read/write/close on linux-x64 for the per-file hot path of <c>keel add</c>.
/// The framework's FileStream and File.OpenHandle add an fstat, an fstatfs and an flock
/// (its FileShare emulation) to every open: with thousands of small files those calls cost
/// more than the reading. Errors become the exceptions the framework would throw.
/// </summary>
internal static unsafe partial class NativeFile
{
    private const int ReadOnlyFlags = 0x80000; // O_RDONLY | O_CLOEXEC
    private const int CreateFlags = 0x1 | 0x40 | 0x80 | 0x80000; // O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC
    private const int Eintr = 4;

    public static bool IsAvailable => NativeStat.IsAvailable;

    public static int OpenRead(string path) => Check(Open(path, ReadOnlyFlags, 0), path);

    /// <summary>Creates a new file with these mode bits; fails if it exists.</summary>
    public static int CreateNew(string path, int mode) => Check(Open(path, CreateFlags, mode), path);

    /// <summary>
    /// An unnamed file in <paramref name="directory"/> (O_TMPFILE) with these mode bits, or -1
    /// where the kernel or file system has none. Nothing is left behind if the process dies.
    /// </summary>
    public static int CreateUnnamed(string directory, int mode)
    {
        if (!_unnamedWorks) return -1;
        var fd = Open(directory, TmpFileFlags, mode);
        if (fd >= 0) return fd;
        var errno = Marshal.GetLastPInvokeError();
        // EOPNOTSUPP, EISDIR (kernel without O_TMPFILE), EINVAL: fall back for good.
        if (errno is 95 or 21 or 22) _unnamedWorks = false;
        else Check(-1, directory);
        return -1;
    }

    /// <summary>
    /// Gives an unnamed file its name: false when the name exists (nothing replaced), null when
    /// links through /proc/self/fd are unavailable (the caller falls back to a temp file).
    /// </summary>
    public static bool? LinkUnnamed(int fd, string path)
    {
        if (LinkAt(AtFdCwd, "/proc/self/fd/" + fd.ToString(System.Globalization.CultureInfo.InvariantCulture), AtFdCwd, path, AtSymlinkFollow) == 0) return true;
        var errno = Marshal.GetLastPInvokeError();
        if (errno == 17) return false;
        if (errno is 2 or 1 or 18)
        {
            // No /proc, or the link is refused: stop trying O_TMPFILE in this process.
            _unnamedWorks = false;
            return null;
        }
        Check(-1, path);
        return null;
    }

    private static bool _unnamedWorks = true;
    private const int TmpFileFlags = 0x1 | 0x410000 | 0x80000; // O_WRONLY | O_TMPFILE | O_CLOEXEC
    private const int AtFdCwd = -100;
    private const int AtSymlinkFollow = 0x400;

    /// <summary>The stat of an open file; null when it is not a regular file.</summary>
    public static FileStat? Stat(int fd, string path)
    {
        byte* buf = stackalloc byte[NativeStat.StatSize];
        Check(FStat(fd, buf), path);
        return NativeStat.FormatOf(buf) == NativeStat.RegularFile ? NativeStat.Decode(buf) : null;
    }

    /// <summary>Reads until the buffer is full or the file ends; the number of bytes read.</summary>
    public static int ReadFully(int fd, Span<byte> buffer, string path)
    {
        var total = 0;
        fixed (byte* p = buffer)
        {
            while (total < buffer.Length)
            {
                var n = Read(fd, p + total, (nuint)(buffer.Length - total));
                if (n < 0)
                {
                    if (Marshal.GetLastPInvokeError() == Eintr) continue;
                    Check(-1, path);
                }
                if (n == 0) break;
                total += (int)n;
            }
        }
        return total;
    }

    public static void WriteAll(int fd, ReadOnlySpan<byte> bytes, string path)
    {
        fixed (byte* p = bytes)
        {
            var done = 0;
            while (done < bytes.Length)
            {
                var n = Write(fd, p + done, (nuint)(bytes.Length - done));
                if (n < 0)
                {
                    if (Marshal.GetLastPInvokeError() == Eintr) continue;
                    Check(-1, path);
                }
                done += (int)n;
            }
        }
    }

    public static void Close(int fd) => _ = CloseFd(fd);

    private const int FSetLease = 1024;
    private const int FRdLck = 0;
    private const int SigIo = 29;
    private static int s_leasesEnabled;

    /// <summary>
    /// Lets this process take read leases (<see cref="TryReadLease"/>). A lease break is signalled
    /// with SIGIO, which ends a process that does not ignore it, so this sets SIGIO ignored for the
    /// whole process: only a process Keel owns calls it (the CLI, and keel serve through it), never
    /// a library path such as the SDK inside a user's program, where hashing reads files instead.
    /// </summary>
    public static void EnableReadLeases()
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref s_leasesEnabled, 1) != 0) return;
        _ = Signal(SigIo, 1);
    }

    /// <summary>
    /// Takes a read lease on a file open for reading: until the descriptor is closed, another
    /// process that truncates the file or opens it for writing waits (up to the kernel's
    /// lease-break-time, 45 s by default), so bytes mapped from it cannot vanish under a reader.
    /// False when this process has not enabled leases (<see cref="EnableReadLeases"/>), the file
    /// is open for writing somewhere, this user may not lease it (not the owner, no CAP_LEASE),
    /// or the file system has no leases.
    /// </summary>
    public static bool TryReadLease(int fd) => Volatile.Read(ref s_leasesEnabled) == 1 && FcntlInt(fd, FSetLease, FRdLck) == 0;

    private static int Check(int result, string path)
    {
        if (result >= 0) return result;
        var errno = Marshal.GetLastPInvokeError();
        throw errno switch
        {
            2 => new FileNotFoundException($"'{path}' does not exist", path),
            1 or 13 => new UnauthorizedAccessException($"access to '{path}' is denied"),
            28 => new IOException($"No space left on device: '{path}'", 28),
            17 => new IOException($"'{path}' already exists", 17),
            _ => new IOException($"I/O error on '{path}' (errno {errno})", errno),
        };
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "linkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LinkAt(int oldDirFd, string oldPath, int newDirFd, string newPath, int flags);

    [LibraryImport("libc", EntryPoint = "fstat", SetLastError = true)]
    private static partial int FStat(int fd, byte* buf);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int fd, byte* buf, nuint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint Write(int fd, byte* buf, nuint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int CloseFd(int fd);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int FcntlInt(int fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "signal")]
    private static partial nint Signal(int signal, nint handler);
}
