using Keel.Objects;

namespace Keel.Cli.Tests;

/// <summary>A fresh temp directory to run keel in (initialised or not), removed afterwards.</summary>
internal sealed class TempWorkspace : IDisposable
{
    private TempWorkspace(string root) => Root = root;

    public string Root { get; }

    public string KeelDir => Path.Combine(Root, ".keel");

    public string ObjectsDir => Path.Combine(KeelDir, "objects");

    /// <summary>An empty directory; nothing initialised.</summary>
    public static TempWorkspace Empty()
    {
        var root = Path.Combine(Path.GetTempPath(), "keel-e2e-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        return new TempWorkspace(root);
    }

    /// <summary>A directory after a successful <c>keel init</c>.</summary>
    public static TempWorkspace Init()
    {
        var ws = Empty();
        var r = ws.Keel("init");
        if (r.ExitCode != 0) throw new InvalidOperationException("keel init failed: " + r);
        return ws;
    }

    public KeelResult Keel(params string[] args) => KeelProcess.Run(Root, args);

    public KeelResult KeelIn(string relativeDir, params string[] args) => KeelProcess.Run(Path.Combine(Root, relativeDir), args);

    public string PathOf(string relative) => Path.Combine(Root, relative);

    public string Write(string relative, string text)
    {
        var full = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, text);
        return full;
    }

    public string WriteBytes(string relative, byte[] bytes)
    {
        var full = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, bytes);
        return full;
    }

    /// <summary>Seeded random files under <paramref name="relativeDir"/>, some nested, one empty.</summary>
    public void WriteTree(string relativeDir, int files, int seed, int maxBytes = 20_000)
    {
        var random = new Random(seed);
        for (var i = 0; i < files; i++)
        {
            var bytes = new byte[i == 0 ? 0 : random.Next(1, maxBytes)];
            random.NextBytes(bytes);
            WriteBytes($"{relativeDir}/{(i % 3 == 0 ? "" : $"sub{i % 4}/")}f{i:D4}.bin", bytes);
        }
    }

    public string ObjectPath(string digest) => Path.Combine(ObjectsDir, digest[7..9], digest[9..]);

    /// <summary>Every object file under .keel/objects/xx/ (temp files excluded).</summary>
    public IEnumerable<string> ObjectFiles() =>
        Directory.EnumerateDirectories(ObjectsDir)
            .Where(d => Path.GetFileName(d).Length == 2)
            .SelectMany(Directory.EnumerateFiles);

    /// <summary>Asserts every object's bytes hash to the name it is stored under.</summary>
    public void AssertEveryObjectMatchesItsName()
    {
        foreach (var file in ObjectFiles())
        {
            var name = Path.GetFileName(Path.GetDirectoryName(file)!) + Path.GetFileName(file);
            Assert.Equal(name, ContentHasher.HashFile(file).Hex);
        }
    }

    public void Dispose()
    {
        try
        {
            foreach (var f in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories))
                File.SetUnixFileMode(f, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
