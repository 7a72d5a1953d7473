using System.Text;
using System.Text.Json;
using Keel.Lineage;
using Keel.Objects;
using Keel.Workspaces;

namespace Keel.Core.Tests.Lineage;

/// <summary>
/// A hand-built graph in a temp workspace, with every artifact's bytes stored:
/// raw@1 -> prepare -> features@1 -> train -> churn@1, and the same again from raw@2 to churn@2
/// with a different learning rate; alice@host is associated with every run.
/// </summary>
internal sealed class SampleGraph : IDisposable
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private SampleGraph(string dir, Workspace ws)
    {
        Dir = dir;
        Workspace = ws;
    }

    public string Dir { get; }

    public Workspace Workspace { get; }

    public Dictionary<string, long> Ids { get; } = [];

    public static async Task<SampleGraph> CreateAsync()
    {
        var dir = Path.Combine(Path.GetTempPath(), "keel-lineage-" + Guid.NewGuid().ToString("N")[..12]);
        var g = new SampleGraph(dir, Workspace.Init(dir, TimeProvider.System));
        var ct = CancellationToken.None;
        var agent = await g.AddAsync("alice@host", NodeType.Agent, "user", null, 0, null, []);
        for (var i = 1; i <= 2; i++)
        {
            var h = i * 10;
            var raw = await g.AddAsync($"raw@{i}", NodeType.Artifact, "data", $"raw bytes {i}", h, new { path = "data/raw.csv" }, []);
            var prep = await g.AddAsync($"prepare#{i}", NodeType.Run, "stage", null, h + 1,
                new { stage = "prepare", command = "python prepare.py", @params = new { split = 0.2 }, git_commit = "abc123", seed = "42" },
                [new(raw, Relation.Used, "source"), new(agent, Relation.Associated)], runId: $"aaaa{i}000-prep");
            var feat = await g.AddAsync($"features@{i}", NodeType.Artifact, "data", $"features {i}", h + 2, new { path = "data/features.csv" },
                [new(prep, Relation.Generated), new(raw, Relation.Derived)]);
            var train = await g.AddAsync($"train#{i}", NodeType.Run, "stage", null, h + 3,
                new { stage = "train", command = "python train.py", @params = new { lr = i == 1 ? 0.1 : 0.2 }, git_commit = i == 1 ? "abc123" : "def456", seed = "42" },
                [new(feat, Relation.Used, "train"), new(agent, Relation.Associated)], runId: $"bbbb{i}000-train");
            await g.AddAsync($"churn@{i}", NodeType.Artifact, "model", $"model {i}", h + 4, new { path = "models/churn.zip" }, [new(train, Relation.Generated)]);
        }
        _ = ct;
        return g;
    }

    public long Id(string label) => Ids[label];

    public async Task<long> AddAsync(string label, NodeType type, string kind, string? bytes, int hours, object? attributes, IReadOnlyList<LineageEdgeFrom> incoming, string? runId = null)
    {
        Digest? digest = null;
        if (bytes is not null)
        {
            var b = Encoding.UTF8.GetBytes(bytes);
            digest = ContentHasher.Hash(b);
            Workspace.Objects.Put(digest.Value, b);
        }
        var storedLabel = label.Contains('#', StringComparison.Ordinal) ? label[..label.IndexOf('#', StringComparison.Ordinal)] : label;
        var node = new NewLineageNode(type, kind, storedLabel, digest, runId, T0.AddHours(hours), attributes is null ? null : JsonSerializer.Serialize(attributes), incoming);
        var ids = await Workspace.Metadata.Lineage.AppendAsync([node], CancellationToken.None);
        Ids[label] = ids[0];
        return ids[0];
    }

    public async Task<LineageIndex> IndexAsync() => await LineageIndex.BuildAsync(Workspace.Metadata.Lineage, CancellationToken.None);

    public void Dispose()
    {
        Workspace.Dispose();
        try
        {
            foreach (var f in Directory.EnumerateFiles(Dir, "*", SearchOption.AllDirectories)) File.SetAttributes(f, FileAttributes.Normal);
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
