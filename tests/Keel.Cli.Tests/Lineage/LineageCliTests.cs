using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Keel.Lineage;
using Keel.Objects;
using Keel.Workspaces;

namespace Keel.Cli.Tests.Lineage;

/// <summary>End to end: the real keel binary over a workspace whose graph a "copy" pipeline wrote.</summary>
public sealed class LineageCliTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "keel-lineage-cli-" + Guid.NewGuid().ToString("N")[..12]);
    private Digest _raw;
    private Digest _copy;

    private async Task BuildAsync()
    {
        using var ws = Workspace.Init(_dir, TimeProvider.System);
        Directory.CreateDirectory(Path.Combine(_dir, "data"));
        Directory.CreateDirectory(Path.Combine(_dir, "out"));
        var rawBytes = Encoding.UTF8.GetBytes("id,churn\n1,0\n2,1\n");
        File.WriteAllBytes(Path.Combine(_dir, "data", "raw.csv"), rawBytes);
        _raw = ContentHasher.Hash(rawBytes);
        ws.Objects.Put(_raw, rawBytes);
        var copyBytes = Encoding.UTF8.GetBytes("id,churn\n1,0\n2,1\nrows=2\n");
        File.WriteAllBytes(Path.Combine(_dir, "out", "copy.csv"), copyBytes);
        _copy = ContentHasher.Hash(copyBytes);
        ws.Objects.Put(_copy, copyBytes);
        var attrs = JsonSerializer.Serialize(new { stage = "copy", command = "cat data/raw.csv > out/copy.csv && echo rows=2 >> out/copy.csv", @params = new { rows = 2 }, git_commit = "abc", seed = "7" });
        await ws.Metadata.Lineage.AppendBatchAsync(
            [
                new(NodeType.Artifact, "data", "raw@1", _raw, null, T0, """{"path":"data/raw.csv"}""", []),
                new(NodeType.Run, "stage", "copy", null, "r0000001", T0.AddHours(1), attrs, [new(-1, Relation.Used, "source")]),
                new(NodeType.Artifact, "model", "copy@1", _copy, null, T0.AddHours(2), """{"path":"out/copy.csv"}""", [new(-2, Relation.Generated)]),
            ],
            CancellationToken.None);
        await ws.Metadata.LineageCatalog.SetAliasAsync("copy", "production", 1, T0.AddHours(3), CancellationToken.None);
    }

    [Fact]
    public async Task Lineage_Json_ListsEveryAncestorNodeByNode()
    {
        await BuildAsync();
        var r = LineageProcess.Keel(_dir, "lineage", "copy@production", "--json");
        Assert.True(r.ExitCode == 0, r.Stderr);
        var doc = JsonNode.Parse(r.Stdout)!;
        Assert.Equal(["copy@1", "copy", "raw@1"], doc["nodes"]!.AsArray().Select(n => n!["label"]!.GetValue<string>()));
        Assert.Equal([0, 1, 2], doc["nodes"]!.AsArray().Select(n => n!["depth"]!.GetValue<int>()));
        var before = LineageProcess.Keel(_dir, "lineage", "copy@production", "--as-of", "2026-01-01T02:30:00Z");
        Assert.Equal(2, before.ExitCode);
        Assert.Contains("set later", before.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownReference_ExitsTwoWithCloseMatches()
    {
        await BuildAsync();
        var r = LineageProcess.Keel(_dir, "impact", "rwa@1");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("did you mean raw", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyLineage_AfterObjectTampering_ExitsOneNamingTheNode()
    {
        await BuildAsync();
        Assert.Equal(0, LineageProcess.Keel(_dir, "verify-lineage", "copy@1").ExitCode);
        var path = Path.Combine(_dir, ".keel", "objects", _raw.Hex[..2], _raw.Hex[2..]);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(path, "tampered");
        var r = LineageProcess.Keel(_dir, "verify-lineage", "copy@1", "--json");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("raw@1", JsonNode.Parse(r.Stdout)!["first_mismatch"]!["label"]!.GetValue<string>());
    }

    [Fact]
    public async Task Recover_Materialize_ThenReplayReproducesTheDigests()
    {
        await BuildAsync();
        var r = LineageProcess.Keel(_dir, "recover", "copy@1", "-o", "bundle", "--materialize", "--verify");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        File.Delete(Path.Combine(_dir, "out", "copy.csv"));
        File.Delete(Path.Combine(_dir, "data", "raw.csv"));
        var replay = LineageProcess.Run("bash", _dir, new Dictionary<string, string> { ["KEEL"] = LineageProcess.Launcher }, Path.Combine(_dir, "bundle", "replay.sh"));
        Assert.True(replay.ExitCode == 0, replay.Stdout + replay.Stderr);
        Assert.True(replay.Stdout.Contains("restored     data/raw.csv", StringComparison.Ordinal), replay.Stdout);
        Assert.Matches(@"(PASS|unchecked) +out/copy\.csv \[[a-z]+\]: identical bytes", replay.Stdout);
        Assert.Contains("REPLAYED", replay.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_Cycle_ExitsTwoAndNamesIt()
    {
        await BuildAsync();
        const string e1 = """{"eventType":"COMPLETE","eventTime":"2026-02-01T00:00:00Z","producer":"p:x","schemaURL":"s:x","run":{"runId":"11111111-1111-4111-8111-111111111111"},"job":{"namespace":"spark","name":"a"},"inputs":[{"namespace":"s3","name":"x"}],"outputs":[{"namespace":"s3","name":"y"}]}""";
        const string e2 = """{"eventType":"COMPLETE","eventTime":"2026-02-01T01:00:00Z","producer":"p:x","schemaURL":"s:x","run":{"runId":"22222222-2222-4222-8222-222222222222"},"job":{"namespace":"spark","name":"b"},"inputs":[{"namespace":"s3","name":"y"}],"outputs":[{"namespace":"s3","name":"x"}]}""";
        File.WriteAllText(Path.Combine(_dir, "events.jsonl"), e1 + "\n" + e2 + "\n");
        var r = LineageProcess.Keel(_dir, "lineage", "import", "events.jsonl");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("cycle", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("job spark/a", r.Stderr, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
