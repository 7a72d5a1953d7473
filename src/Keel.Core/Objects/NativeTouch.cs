using System.Runtime.InteropServices;

namespace Keel.Objects;

/// <summary>Moves a file's ctime to now without touching its bytes, mode or mtime (chown to itself).</summary>
internal static partial class NativeTouch
{
    /// <summary>
    /// An object a writer found already stored gets a fresh ctime, which gc's grace period reads
    /// (<see cref="LocalObjectStore.StoredAt"/>); its mtime stays, because a hard-linked object
    /// is also the user's file. Best effort: a file owned by another user keeps its time.
    /// </summary>
    public static void ChangeTime(string path)
    {
        if (NativeStat.IsAvailable) _ = Chown(path, -1, -1);
    }

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chown(string path, int owner, int group);
}
