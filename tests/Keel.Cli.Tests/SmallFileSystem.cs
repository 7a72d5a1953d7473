using System.Diagnostics;

namespace Keel.Cli.Tests;

/// <summary>A size-limited tmpfs mounted on a fresh folder (root only), unmounted on dispose: a disk that fills up.</summary>
internal sealed class SmallFileSystem : IDisposable
{
    private SmallFileSystem(string path) => Path = path;

    public string Path { get; }

    /// <summary>Why these tests cannot run here, or null when a tmpfs can be mounted.</summary>
    public static string? Unavailable { get; } = Probe();

    public static SmallFileSystem Mount(int mebibytes)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "keel-full-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        var (code, error) = Exec("mount", "-t", "tmpfs", "-o", $"size={mebibytes}m", "tmpfs", path);
        if (code != 0) throw new InvalidOperationException($"mount of a {mebibytes} MiB tmpfs on {path} failed: {error}");
        return new SmallFileSystem(path);
    }

    public long FreeBytes => new DriveInfo(Path).AvailableFreeSpace;

    public void Dispose()
    {
        Exec("umount", "-l", Path);
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux()) return "needs Linux (mount -t tmpfs)";
        if (Environment.UserName != "root") return $"needs root to mount a small tmpfs (running as {Environment.UserName})";
        try
        {
            using var probe = Mount(1);
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return e.Message;
        }
    }

    private static (int Code, string Error) Exec(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, error.Result.Trim());
    }
}

/// <summary>A fact that runs only where <see cref="SmallFileSystem"/> can mount; otherwise SKIPPED with the reason.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class DiskFullFactAttribute : FactAttribute
{
    public DiskFullFactAttribute()
    {
        if (SmallFileSystem.Unavailable is { } why) Skip = why;
    }
}
