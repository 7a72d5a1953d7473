using System.Formats.Tar;
using System.IO.Compression;
using Keel.Cli.Tests.Pipelines;

namespace Keel.Cli.Tests.Reproduction;

public sealed class BundleRejectionTests(SmallPipeline small) : IClassFixture<SmallPipeline>
{
    [Fact]
    public void Import_PathEscapingTheTarget_RejectedAndNothingWritten() =>
        AssertRejected(Rewrite(extra: ("../../escape.txt", "x"u8.ToArray())), "not part of the bundle layout");

    [Fact]
    public void Import_EntryBytesNotMatchingTheirDigest_Rejected() =>
        AssertRejected(Rewrite(change: name => name.StartsWith("objects/", StringComparison.Ordinal) && !name.EndsWith(".json", StringComparison.Ordinal)), "does not match its digest");

    [Fact]
    public void Import_TruncatedFile_Rejected()
    {
        var bytes = File.ReadAllBytes(small.Bundle);
        var cut = Path.Combine(small.Temp, $"cut-{Guid.NewGuid():N}.keelbundle");
        File.WriteAllBytes(cut, bytes[..(bytes.Length * 2 / 3)]);

        AssertRejected(cut, "truncated");
    }

    [Fact]
    public void Import_DecompressionBomb_Rejected()
    {
        var bomb = Path.Combine(small.Temp, $"bomb-{Guid.NewGuid():N}.keelbundle");
        using (var file = File.Create(bomb))
        using (var gz = new GZipStream(file, CompressionLevel.SmallestSize))
        using (var tar = new TarWriter(gz, TarEntryFormat.Pax))
        {
            var zeros = new MemoryStream(new byte[64 << 20]);
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "manifest.json") { DataStream = zeros });
        }

        AssertRejected(bomb, "decompression bomb");
    }

    [Fact]
    public void Import_BadSignature_Rejected() =>
        AssertRejected(Rewrite(change: name => name == "manifest.dsse.json", mutate: FlipSignature), "");

    [Fact]
    public void Import_GoodBundle_AcceptedThenListedInLineage()
    {
        var ws = small.NewWorkspace("good-" + Guid.NewGuid().ToString("N"));

        PipelineCli.Check(small.Cli.Run(ws, "bundle", "import", small.Bundle));

        Assert.Contains("models/m.bin", small.Cli.Run(ws, "lineage", "models/m.bin").Stdout);
        PipelineCli.Check(small.Cli.Run(ws, "reproduce", "models/m.bin"));
    }

    private void AssertRejected(string bundle, string reason)
    {
        var ws = small.NewWorkspace("reject-" + Guid.NewGuid().ToString("N"));
        var before = Directory.EnumerateFiles(Path.Combine(ws, ".keel", "objects"), "*", SearchOption.AllDirectories).Count();

        var r = small.Cli.Run(ws, "bundle", "import", bundle);

        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("bundle rejected, nothing was imported", r.Stderr);
        Assert.Contains(reason, r.Stderr);
        Assert.Equal(before, Directory.EnumerateFiles(Path.Combine(ws, ".keel", "objects"), "*", SearchOption.AllDirectories).Count());
        Assert.DoesNotContain("models/m.bin", small.Cli.Run(ws, "lineage", "models/m.bin").Stdout);
        Assert.False(File.Exists(Path.Combine(small.Temp, "escape.txt")));
    }

    private static byte[] FlipSignature(byte[] envelope)
    {
        var text = System.Text.Encoding.UTF8.GetString(envelope);
        var at = text.IndexOf("\"sig\":\"", StringComparison.Ordinal) + 12;
        var c = text[at] == 'A' ? 'B' : 'A';
        return System.Text.Encoding.UTF8.GetBytes(text[..at] + c + text[(at + 1)..]);
    }

    /// <summary>Copies the good bundle, changing the first entry <paramref name="change"/> selects (a flipped byte by default) and adding <paramref name="extra"/>.</summary>
    private string Rewrite(Func<string, bool>? change = null, Func<byte[], byte[]>? mutate = null, (string Name, byte[] Bytes)? extra = null)
    {
        var output = Path.Combine(small.Temp, $"bad-{Guid.NewGuid():N}.keelbundle");
        using var input = File.OpenRead(small.Bundle);
        using var reader = new TarReader(input);
        using var file = File.Create(output);
        using var writer = new TarWriter(file, TarEntryFormat.Pax);
        var changed = false;
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            using var data = new MemoryStream();
            entry.DataStream?.CopyTo(data);
            var bytes = data.ToArray();
            if (!changed && change?.Invoke(entry.Name) == true && bytes.Length > 0)
            {
                bytes = mutate is null ? Flip(bytes) : mutate(bytes);
                changed = true;
            }
            writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, entry.Name) { DataStream = new MemoryStream(bytes) });
        }
        if (extra is { } x) writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, x.Name) { DataStream = new MemoryStream(x.Bytes) });
        Assert.True(change is null || changed, "the test meant to change an entry");
        return output;
    }

    private static byte[] Flip(byte[] bytes)
    {
        bytes[bytes.Length / 2] ^= 0x01;
        return bytes;
    }
}
