using System.Runtime.InteropServices;

namespace Keel.Objects;

/// <summary>rename without replacing: renameat2(RENAME_NOREPLACE) on Linux, one atomic call.</summary>
internal static partial class NativeRename
{
    private const int AtFdCwd = -100;
    private const uint RenameNoReplace = 1;
    private const int Eexist = 17;

    private static bool _unsupported = !OperatingSystem.IsLinux();

    /// <summary>Moves <paramref name="source"/> to <paramref name="destination"/>; false when the destination exists.</summary>
    public static bool TryMoveNoReplace(string source, string destination)
    {
        if (!_unsupported)
        {
            try
            {
                if (RenameAt2(AtFdCwd, source, AtFdCwd, destination, RenameNoReplace) == 0) return true;
                var errno = Marshal.GetLastPInvokeError();
                if (errno == Eexist) return false;
                // EINVAL / ENOSYS: a file system or kernel without the flag; use the portable way.
                if (errno is 1 or 13) throw new UnauthorizedAccessException($"cannot move {source} to {destination}: permission denied");
                if (errno is not (22 or 38)) throw new IOException($"cannot move {source} to {destination} (errno {errno})", errno);
                _unsupported = true;
            }
            catch (EntryPointNotFoundException)
            {
                _unsupported = true;
            }
        }
        if (File.Exists(destination)) return false;
        File.Move(source, destination, overwrite: false);
        return true;
    }

    [LibraryImport("libc", EntryPoint = "renameat2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameAt2(int oldDirFd, string oldPath, int newDirFd, string newPath, uint flags);
}
