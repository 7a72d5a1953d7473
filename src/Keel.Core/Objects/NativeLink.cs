using System.Runtime.InteropServices;

namespace Keel.Objects;

/// <summary>link(2) and the FICLONE ioctl, each reporting "not possible here" as false.</summary>
internal static unsafe partial class NativeLink
{
    private const uint FiClone = 0x40049409;

    /// <summary>Hard-links <paramref name="source"/> at <paramref name="link"/>; false across file systems or where links are refused.</summary>
    public static bool TryHardLink(string source, string link)
    {
        if (!OperatingSystem.IsLinux()) return false;
        if (Link(source, link) == 0) return true;
        var errno = Marshal.GetLastPInvokeError();
        // EXDEV (other file system), EPERM (no links here), EMLINK (too many links), ENOTSUP.
        if (errno is 18 or 1 or 31 or 95) return false;
        if (errno == 2) throw new FileNotFoundException($"'{source}' does not exist", source);
        if (errno == 13) throw new UnauthorizedAccessException($"access to '{source}' is denied");
        if (errno == 28) throw new IOException($"No space left on device: '{link}'", 28);
        throw new IOException($"cannot link '{source}' (errno {errno})", errno);
    }

    /// <summary>Clones <paramref name="source"/> into a new read-only file; false where the file system cannot clone.</summary>
    public static bool TryClone(string source, string clone, FileStat expected)
    {
        if (!NativeFile.IsAvailable) return false;
        var src = NativeFile.OpenRead(source);
        try
        {
            var dst = NativeFile.CreateNew(clone, 0b100_100_100 | (expected.Mode & 0b001_001_001));
            var ok = IoctlClone(dst, FiClone, src) == 0;
            NativeFile.Close(dst);
            if (!ok) File.Delete(clone);
            return ok;
        }
        finally
        {
            NativeFile.Close(src);
        }
    }

    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Link(string source, string link);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int IoctlClone(int fd, nuint request, int sourceFd);
}
