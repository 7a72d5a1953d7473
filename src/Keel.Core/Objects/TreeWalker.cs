using System.Runtime.InteropServices;
using System.Text;

namespace Keel.Objects;

/// <summary>
/// Called once per file: its path relative to the walked folder ('/'-separated UTF-8, valid only
/// during the call) and its stat, or <paramref name="hasStat"/> false when it is not a regular
/// file (a broken link, a pipe). Called from several threads at once.
/// </summary>
internal delegate void TreeFileVisitor(ReadOnlySpan<byte> relativePath, in FileStat stat, bool hasStat);

/// <summary>
/// Lists every file under a folder with its stat, for <c>keel status</c>. On linux-x64 it reads
/// directories with getdents64 and stats each name with fstatat relative to its open directory:
/// no string per file and no path walk from the root. Top-level folders are walked in parallel.
/// Same rules as <c>TreeScanner</c>: <c>.keel/</c> and <c>.git/</c> folders and symlinked folders
/// are skipped; a symlinked file is followed.
/// </summary>
internal static unsafe partial class TreeWalker
{
    private const int AtFdCwd = -100;
    private const int OpenDirectoryFlags = 0x10000 | 0x80000; // O_RDONLY | O_DIRECTORY | O_CLOEXEC
    private const int AtSymlinkNoFollow = 0x100;
    private const byte DtDir = 4;
    private const byte DtReg = 8;
    private const byte DtLnk = 10;
    private const byte DtUnknown = 0;
    private const int Eacces = 13;

    public static void Walk(string root, TreeFileVisitor visit)
    {
        if (!NativeStat.IsAvailable)
        {
            WalkManaged(root, visit);
            return;
        }
        var rootFd = OpenDirectory(AtFdCwd, Encoding.UTF8.GetBytes(root + "\0"), root);
        try
        {
            var subdirs = new List<byte[]>();
            var path = new PathBuffer();
            ReadDirectory(rootFd, root, path, visit, subdirs);
            if (subdirs.Count == 0) return;
            try
            {
                Parallel.For(0, subdirs.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
                {
                    var name = subdirs[i];
                    var sub = new PathBuffer();
                    sub.Append(name.AsSpan(0, name.Length - 1));
                    var fd = OpenDirectory(rootFd, name, Path.Combine(root, sub.ToString()));
                    sub.Append("/"u8);
                    try
                    {
                        ReadDirectory(fd, root, sub, visit, null);
                    }
                    finally
                    {
                        _ = Close(fd);
                    }
                });
            }
            catch (AggregateException e) when (e.InnerExceptions.FirstOrDefault(x => x is KeelException) is { } keel)
            {
                throw keel;
            }
        }
        finally
        {
            _ = Close(rootFd);
        }
    }

    /// <summary>Visits the files of one open directory; subfolders go to <paramref name="defer"/> (names with their NUL) or are walked now.</summary>
    private static void ReadDirectory(int fd, string root, PathBuffer path, TreeFileVisitor visit, List<byte[]>? defer)
    {
        var buffer = new byte[32 << 10];
        byte* st = stackalloc byte[NativeStat.StatSize];
        var baseLength = path.Length;
        fixed (byte* buf = buffer)
        {
            while (true)
            {
                var n = GetDents64(fd, buf, (nuint)buffer.Length);
                if (n < 0) throw new KeelException($"cannot list {Path.Combine(root, path.ToString())} (errno {Marshal.GetLastPInvokeError()}); check its permissions and retry");
                if (n == 0) break;
                for (long offset = 0; offset < n;)
                {
                    var entry = buf + offset;
                    var recordLength = *(ushort*)(entry + 16);
                    offset += recordLength;
                    var type = entry[18];
                    var name = entry + 19;
                    var nameSpan = MemoryMarshal.CreateReadOnlySpanFromNullTerminated(name);
                    if (nameSpan.SequenceEqual("."u8) || nameSpan.SequenceEqual(".."u8)) continue;

                    var isDirectory = type == DtDir;
                    var hasStat = false;
                    FileStat stat = default;
                    if (!isDirectory)
                    {
                        // Follow links: a symlinked file is versioned as its target.
                        if (NativeStat.StatAt(fd, name, st, 0) == 0)
                        {
                            var format = NativeStat.FormatOf(st);
                            if (format == NativeStat.DirectoryFile)
                            {
                                // A symlinked folder is skipped; a real one (DT_UNKNOWN) is walked.
                                if (type == DtLnk) continue;
                                if (type == DtUnknown && (NativeStat.StatAt(fd, name, st, AtSymlinkNoFollow) != 0 || NativeStat.FormatOf(st) != NativeStat.DirectoryFile)) continue;
                                isDirectory = true;
                            }
                            else if (format == NativeStat.RegularFile)
                            {
                                stat = NativeStat.Decode(st);
                                hasStat = true;
                            }
                        }
                    }
                    if (isDirectory)
                    {
                        if (nameSpan.SequenceEqual(".keel"u8) || nameSpan.SequenceEqual(".git"u8)) continue;
                        if (defer is not null)
                        {
                            defer.Add(new ReadOnlySpan<byte>(name, nameSpan.Length + 1).ToArray());
                            continue;
                        }
                        path.Append(nameSpan);
                        var childFd = OpenDirectory(fd, name, Path.Combine(root, path.ToString()));
                        path.Append("/"u8);
                        try
                        {
                            ReadDirectory(childFd, root, path, visit, null);
                        }
                        finally
                        {
                            _ = Close(childFd);
                            path.Length = baseLength;
                        }
                        continue;
                    }
                    path.Append(nameSpan);
                    visit(path.Span, stat, hasStat);
                    path.Length = baseLength;
                }
            }
        }
    }

    private static int OpenDirectory(int dirFd, byte[] nameWithNul, string display)
    {
        fixed (byte* p = nameWithNul) return OpenDirectory(dirFd, p, display);
    }

    private static int OpenDirectory(int dirFd, byte* name, string display)
    {
        var fd = OpenAt(dirFd, name, OpenDirectoryFlags);
        if (fd >= 0) return fd;
        var errno = Marshal.GetLastPInvokeError();
        throw errno == Eacces
            ? new KeelException($"permission denied while listing {display}; fix the permissions and retry")
            : new KeelException($"cannot list {display} (errno {errno}); check it and retry");
    }

    /// <summary>Other platforms: the framework's enumeration and one stat per file.</summary>
    private static void WalkManaged(string root, TreeFileVisitor visit)
    {
        foreach (var file in Datasets.TreeScanner.Scan(root, ".", sorted: false))
        {
            var relative = Encoding.UTF8.GetBytes(file.Relative[2..]);
            var stat = FileStat.Of(file.Full);
            visit(relative, stat.GetValueOrDefault(), stat.HasValue);
        }
    }

    /// <summary>A growable UTF-8 path, one per thread.</summary>
    private sealed class PathBuffer
    {
        private byte[] _bytes = new byte[256];

        public int Length { get; set; }

        public ReadOnlySpan<byte> Span => _bytes.AsSpan(0, Length);

        public void Append(ReadOnlySpan<byte> part)
        {
            if (Length + part.Length > _bytes.Length) Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, Length + part.Length));
            part.CopyTo(_bytes.AsSpan(Length));
            Length += part.Length;
        }

        public override string ToString() => Encoding.UTF8.GetString(Span);
    }

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true)]
    private static partial int OpenAt(int dirFd, byte* path, int flags);

    [LibraryImport("libc", EntryPoint = "getdents64", SetLastError = true)]
    private static partial nint GetDents64(int fd, byte* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
