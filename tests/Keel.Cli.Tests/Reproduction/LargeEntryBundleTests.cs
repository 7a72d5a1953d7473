using System.Formats.Tar;
using Keel.Cli.Tests.Pipelines;

namespace Keel.Cli.Tests.Reproduction;

/// <summary>
/// Bundles whose data entry is large enough (9 MiB) for the import's in-kernel path: the entry is
/// copied from the bundle file and hashed in the staging folder, and must be refused all the same
/// when a byte of it changed or the file ends inside it.
/// </summary>
public sealed class LargeEntryBundleTests : IDisposable
{
    private const string Yaml = """
        stages:
          train:
            cmd: mkdir -p models && head -c 1000 data/big.txt > models/m.bin
            deps: [data/big.txt]
            outs: [{path: models/m.bin, kind: model}]
        """;

    private readonly string _temp = Directory.CreateTempSubdirectory("keel-bundle-large-").FullName;
    private readonly ReproCli _cli;
    private readonly string _bundle;
    private readonly string _big;

    public LargeEntryBundleTests()
    {
        _cli = new ReproCli(Path.Combine(_temp, "home"));
        var random = new Random(5);
        _big = string.Create(9 << 20, random, (span, r) => { for (var i = 0; i < span.Length; i++) span[i] = (char)('a' + r.Next(26)); });
        PipelineCli.Check(_cli.NewPipeline(Path.Combine(_temp, "ws"), Yaml, ("data/big.txt", _big)));
        _bundle = Path.Combine(_temp, "m.keelbundle");
        PipelineCli.Check(_cli.Run(Path.Combine(_temp, "ws"), "bundle", "export", "models/m.bin", "-o", _bundle));
    }

    [Fact]
    public void Import_LargeEntry_StoredWithItsBytesAndManifestReadLast()
    {
        var ws = NewWorkspace();

        PipelineCli.Check(_cli.Run(ws, "bundle", "import", _bundle));

        var (name, _, _) = LargestEntry();
        Assert.Equal(System.Text.Encoding.ASCII.GetBytes(_big), File.ReadAllBytes(Path.Combine(ws, ".keel", "objects", name[8..10], name[10..])));
        Assert.Equal("manifest.json", Entries().Last());
        PipelineCli.Check(_cli.Run(ws, "fsck"));
    }

    [Fact]
    public void Import_ByteFlippedInsideTheLargeEntry_RejectedAndNothingWritten()
    {
        var bad = Path.Combine(_temp, $"flipped-{Guid.NewGuid():N}.keelbundle");
        File.Copy(_bundle, bad);
        var (_, offset, length) = LargestEntry();
        using (var f = File.OpenHandle(bad, FileMode.Open, FileAccess.ReadWrite))
        {
            var b = new byte[1];
            RandomAccess.Read(f, b, offset + (length / 2));
            b[0] ^= 0x01;
            RandomAccess.Write(f, b, offset + (length / 2));
        }

        AssertRejected(bad, "does not match its digest");
    }

    [Fact]
    public void Import_FileEndingInsideTheLargeEntry_RejectedAndNothingWritten()
    {
        var cut = Path.Combine(_temp, $"cut-{Guid.NewGuid():N}.keelbundle");
        var (_, offset, length) = LargestEntry();
        using (var input = File.OpenRead(_bundle))
        using (var output = File.Create(cut))
        {
            var bytes = new byte[offset + length - 10];
            input.ReadExactly(bytes);
            output.Write(bytes);
        }

        AssertRejected(cut, "truncated");
    }

    private void AssertRejected(string bundle, string reason)
    {
        var ws = NewWorkspace();
        var before = Directory.EnumerateFiles(Path.Combine(ws, ".keel", "objects"), "*", SearchOption.AllDirectories).Order().ToList();

        var r = _cli.Run(ws, "bundle", "import", bundle);

        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("bundle rejected, nothing was imported", r.Stderr);
        Assert.Contains(reason, r.Stderr);
        Assert.Equal(before, Directory.EnumerateFiles(Path.Combine(ws, ".keel", "objects"), "*", SearchOption.AllDirectories).Order().ToList());
        Assert.DoesNotContain("models/m.bin", _cli.Run(ws, "lineage", "models/m.bin").Stdout);
    }

    private string NewWorkspace()
    {
        var dir = Path.Combine(_temp, "import-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        PipelineCli.Check(_cli.Run(dir, "init"));
        return dir;
    }

    private List<string> Entries()
    {
        using var reader = new TarReader(File.OpenRead(_bundle));
        var names = new List<string>();
        while (reader.GetNextEntry() is { } e) names.Add(e.Name);
        return names;
    }

    /// <summary>The name, data offset and length of the bundle's largest entry (the data object).</summary>
    private (string Name, long Offset, long Length) LargestEntry()
    {
        using var reader = new TarReader(File.OpenRead(_bundle));
        (string, long, long) largest = ("", 0, -1);
        while (reader.GetNextEntry() is { } e)
            if (e.Length > largest.Item3) largest = (e.Name, e.DataOffset, e.Length);
        return largest;
    }

    public void Dispose()
    {
        try
        {
            foreach (var f in Directory.EnumerateFiles(_temp, "*", SearchOption.AllDirectories)) File.SetUnixFileMode(f, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Directory.Delete(_temp, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
