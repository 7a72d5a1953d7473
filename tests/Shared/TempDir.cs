namespace Keel.Testing;

/// <summary>
/// A fresh directory under the system temp folder, deleted (read-only files too) on dispose.
/// One source file compiled into each test project that needs it.
/// </summary>
public sealed class TempDir : IDisposable
{
    public TempDir()
        : this(System.IO.Path.GetTempPath())
    {
    }

    /// <summary>A fresh directory under <paramref name="parent"/> (another file system, say).</summary>
    public TempDir(string parent)
    {
        Path = System.IO.Path.Combine(parent, "keel-test-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string relative) => System.IO.Path.Combine(Path, relative);

    public string Write(string relative, string text)
    {
        var full = File(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        System.IO.File.WriteAllText(full, text);
        return full;
    }

    public void Dispose()
    {
        try
        {
            foreach (var f in Directory.EnumerateFiles(Path, "*", SearchOption.AllDirectories))
                System.IO.File.SetUnixFileMode(f, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
