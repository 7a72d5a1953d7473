using System.Diagnostics;
using Keel.Cli.Tests.Pipelines;
using Keel.Testing;
using Xunit.Abstractions;

namespace Keel.Cli.Tests.Reproduction;

/// <summary>
/// <c>keel bundle export</c> and <c>import</c> killed midway, with a data entry large enough
/// (160 MiB) that the kill lands while bytes are moving: neither workspace nor the output path
/// may show anything half-done, and the command simply runs again.
/// </summary>
public sealed class BundleKillTests : IDisposable
{
    private const string Yaml = """
        stages:
          train:
            cmd: mkdir -p models && head -c 1000 data/big.bin > models/m.bin
            deps: [data/big.bin]
            outs: [{path: models/m.bin, kind: model}]
        """;

    private readonly ITestOutputHelper _output;
    private readonly TempDir _dir = new();
    private readonly string _temp;
    private readonly ReproCli _cli;
    private readonly string _source;
    private readonly string _bundle;

    public BundleKillTests(ITestOutputHelper output)
    {
        _output = output;
        _temp = _dir.Path;
        _cli = new ReproCli(Path.Combine(_temp, "home"));
        _source = Path.Combine(_temp, "ws");
        Directory.CreateDirectory(Path.Combine(_source, "data"));
        ReproCli.Sh(_source, "head -c 167772160 /dev/urandom > data/big.bin && printf 'data/\\n' > .gitignore");
        PipelineCli.Check(_cli.NewPipeline(_source, Yaml));
        _bundle = Path.Combine(_temp, "m.keelbundle");
        PipelineCli.Check(_cli.Run(_source, "bundle", "export", "models/m.bin", "-o", _bundle));
    }

    [Fact]
    public void Import_KilledWhileStaging_NothingImportedThenImportsCleanly()
    {
        var ws = Path.Combine(_temp, "import");
        Directory.CreateDirectory(ws);
        PipelineCli.Check(_cli.Run(ws, "init"));
        var objects = Path.Combine(ws, ".keel", "objects");
        var before = StoredObjects(objects);

        var killed = KillWhen(ws, () => StagedBytes(Path.Combine(objects, "tmp")) > 0, "bundle", "import", _bundle);
        _output.WriteLine(killed ? "killed while the import was staging" : "the import finished before the kill");

        if (killed)
        {
            Assert.Equal(before, StoredObjects(objects));
            Assert.DoesNotContain("models/m.bin", _cli.Run(ws, "lineage", "models/m.bin").Stdout);
        }
        PipelineCli.Check(_cli.Run(ws, "fsck"));

        // What the kill left in tmp/ is garbage gc clears; the import then runs as if nothing happened.
        PipelineCli.Check(_cli.Run(ws, "gc", "--grace", "0s"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(objects, "tmp")));
        PipelineCli.Check(_cli.Run(ws, "bundle", "import", _bundle));
        PipelineCli.Check(_cli.Run(ws, "fsck"));
        Assert.Contains("models/m.bin", _cli.Run(ws, "lineage", "models/m.bin").Stdout);
        var big = Directory.EnumerateFiles(objects, "*", SearchOption.AllDirectories).Select(f => new FileInfo(f)).MaxBy(f => f.Length)!;
        Assert.Equal(new FileInfo(Path.Combine(_source, "data", "big.bin")).Length, big.Length);
    }

    [Fact]
    public void Export_KilledWhileWriting_NoBundleAtThePathThenExportsCleanly()
    {
        var target = Path.Combine(_temp, "out", "again.keelbundle");
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var objects = Path.Combine(_source, ".keel", "objects");
        var before = StoredObjects(objects);

        var killed = KillWhen(_source, () => Directory.EnumerateFiles(Path.GetDirectoryName(target)!).Any(f => new FileInfo(f).Length > 0), "bundle", "export", "models/m.bin", "-o", target);
        _output.WriteLine(killed ? "killed while the export was writing" : "the export finished before the kill");

        if (killed) Assert.False(File.Exists(target), "a killed export left a file at the bundle's path");
        Assert.Equal(before, StoredObjects(objects));
        PipelineCli.Check(_cli.Run(_source, "fsck"));

        PipelineCli.Check(_cli.Run(_source, "bundle", "export", "models/m.bin", "-o", target));
        var ws = Path.Combine(_temp, "import-again");
        Directory.CreateDirectory(ws);
        PipelineCli.Check(_cli.Run(ws, "init"));
        PipelineCli.Check(_cli.Run(ws, "bundle", "import", target));
    }

    /// <summary>Starts keel and kills it once <paramref name="ready"/> holds; true if it was still running then.</summary>
    private bool KillWhen(string cwd, Func<bool> ready, params string[] args)
    {
        using var process = _cli.Start(cwd, args);
        var clock = Stopwatch.StartNew();
        while (!process.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60) && !ready()) Thread.Sleep(1);
        var running = !process.HasExited;
        if (running) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        return running && process.ExitCode != 0;
    }

    private static List<string> StoredObjects(string objects) =>
        Directory.EnumerateFiles(objects, "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(objects, f).StartsWith("tmp", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToList();

    private static long StagedBytes(string tmp)
    {
        try
        {
            return Directory.Exists(tmp) ? Directory.EnumerateFiles(tmp, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public void Dispose() => _dir.Dispose();
}
