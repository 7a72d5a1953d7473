using System.Runtime.InteropServices;

namespace Keel.Objects;

/// <summary>One syncfs(2) for a whole batch of objects, instead of an fsync per object.</summary>
internal static partial class Durability
{
    public static void SyncFileSystem(string anyPathOnIt)
    {
        if (!OperatingSystem.IsLinux()) return;
        using var handle = File.OpenHandle(Path.Combine(anyPathOnIt, "config.yaml"), FileMode.Open, FileAccess.Read);
        if (SyncFs((int)handle.DangerousGetHandle()) != 0)
            throw new KeelException($"syncfs failed (errno {Marshal.GetLastPInvokeError()}); nothing was recorded");
    }

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int SyncFs(int fd);
}
