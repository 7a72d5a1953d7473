using System.Text;
using Keel.Lineage;
using Keel.Metadata;
using Keel.Objects;
using Keel.Tracking;
using Keel.Team.Tests.Infrastructure;
using Keel.Workspaces;

namespace Keel.Team.Tests.Conformance;

/// <summary>
/// Lineage seals on every backend: each run's root is sealed in the transaction that records it,
/// chained in the lineage log, and verify-lineage catches every edit of the records, the edges or
/// the log, including deleting the newest run together with its log entry.
/// </summary>
public abstract partial class MetadataConformance
{
    /// <summary>What a workspace's config.yaml says to reach this backend's database.</summary>
    protected abstract string WorkspaceMetadataUri { get; }

    /// <summary>Runs SQL straight against the database, as someone with access to it (and not to Keel) would.</summary>
    protected abstract void Sql(string sql);

    /// <summary>SQL that takes the database back to the schema before the lineage log existed.</summary>
    protected abstract string BeforeLineageLogSql { get; }

    private readonly List<IDisposable> _workspaces = [];

    /// <summary>raw@1 → prepare (params) → features.csv → train (params lr) → model.bin, recorded through the run store as `keel run` records stages, with real objects.</summary>
    private async Task<(Workspace Ws, Dictionary<string, long> Id)> SealedHistoryAsync()
    {
        var dir = new TempDir();
        _workspaces.Add(dir);
        using (Workspace.Init(dir.Path, TimeProvider.System))
        {
        }
        var config = Path.Combine(dir.Path, Workspace.DirName, "config.yaml");
        File.WriteAllText(config, File.ReadAllText(config).Replace("metadata: sqlite:.keel/keel.db", $"metadata: {WorkspaceMetadataUri}", StringComparison.Ordinal));
        var ws = Workspace.Open(dir.Path, TimeProvider.System);
        _workspaces.Add(ws);
        Digest Put(string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            var d = ContentHasher.Hash(bytes);
            ws.Objects.Put(d, bytes);
            return d;
        }
        var raw1 = Put("a,b\n1,2\n");
        var raw2 = Put("a,b\n3,4\n");
        var features = Put("features\n");
        var model = Put("weights\n");
        var store = ws.Metadata;
        await store.Datasets.AddVersionAsync(new NewDatasetVersion("raw", raw1, TreeKind.File, "data/raw.csv", "m", T0, "alice", "host1", 1, 8), default);
        await store.Datasets.AddVersionAsync(new NewDatasetVersion("raw", raw2, TreeKind.File, "data/raw.csv", "m", T0, "alice", "host1", 1, 8), default);
        await RecordAsync(store, "prepare", 1, [new("scale", "2")], [new RunInput("raw@1", raw1, false, "raw")], [new RunOutput("features.csv", "data", features, false, 9)]);
        await RecordAsync(store, "train", 2, [new("lr", "0.1")], [new RunInput("features.csv", features, false, "train")], [new RunOutput("model.bin", "model", model, false, 8)]);
        var nodes = new Dictionary<string, long>();
        foreach (var label in new[] { "raw@1", "raw@2", "prepare", "features.csv", "train", "model.bin" })
            nodes[label] = (await store.Lineage.FindByLabelAsync(label, default))[^1].Id;
        return (ws, nodes);
    }

    private static async Task RecordAsync(IMetadataStore store, string name, int minute, IReadOnlyList<KeyValuePair<string, string>> ps, IReadOnlyList<RunInput> inputs, IReadOnlyList<RunOutput> outputs)
    {
        var run = await store.Runs.CreateAsync(NewRunAt(name, minute, null) with { Kind = "stage" }, default);
        await store.Runs.LogAsync(run.Id, new RunBatch(ps, [], [], inputs, outputs), default);
        await store.Runs.FinishAsync(run.Id, new RunCompletion(RunStatus.Finished, T0.AddMinutes(minute).AddSeconds(30), 0, null), default);
    }

    private static async Task<LineageVerification> VerifyLineageAsync(Workspace ws, long node)
    {
        var index = await LineageIndex.BuildAsync(ws.Metadata.Lineage, default);
        return await new LineageVerifier(ws, index).VerifyAsync(index.IndexOf(node), long.MaxValue, default);
    }

    private static void AssertCaught(LineageVerification r, long node, string text)
    {
        Assert.False(r.Intact);
        Assert.Contains(r.Problems, p => p.NodeId == node && p.Problem.Contains(text, StringComparison.Ordinal));
    }

    [ServiceFact]
    public async Task RecordRun_EveryRun_SealedInTheLogAndAnchored()
    {
        var (ws, id) = await SealedHistoryAsync();
        var log = await ws.Metadata.LineageCatalog.SealLogAsync(default).ToListAsync();
        Assert.Equal([id["prepare"], id["train"]], log.Select(e => e.Seal.NodeId));
        Assert.All(log, e => Assert.False(e.Seal.Late));
        Assert.Equal(log[^1].Seal.Head.ToString(), File.ReadAllText(Path.Combine(ws.KeelDir, LineageHeadAnchor.FileName)).Split(' ')[1].Trim());

        var r = await VerifyLineageAsync(ws, id["model.bin"]);
        Assert.True(r.Intact, string.Join("; ", r.Problems.Select(p => p.Problem)));
        Assert.Equal((2, 2L, 0), (r.Runs, r.Log.Entries, r.LateSealed));
        Assert.Equal(log[^1].Seal.Head, r.Log.Head);
    }

    [ServiceFact]
    public async Task VerifyLineage_RawDigestChanged_NamesTheRunThatUsedIt()
    {
        var (ws, id) = await SealedHistoryAsync();
        var other = (await ws.Metadata.Lineage.GetAsync(id["raw@2"], default))!.Digest;
        Sql($"UPDATE lineage_nodes SET digest = '{other}' WHERE id = {id["raw@1"]}");
        AssertCaught(await VerifyLineageAsync(ws, id["model.bin"]), id["prepare"], "lineage root changed");
    }

    [ServiceFact]
    public async Task VerifyLineage_UsedEdgeRepointed_NamesTheRun()
    {
        var (ws, id) = await SealedHistoryAsync();
        Sql($"UPDATE lineage_edges SET src = {id["raw@2"]} WHERE dst = {id["prepare"]} AND src = {id["raw@1"]}");
        AssertCaught(await VerifyLineageAsync(ws, id["model.bin"]), id["prepare"], "lineage root changed");
    }

    [ServiceFact]
    public async Task VerifyLineage_RunParamsEdited_NamesTheRun()
    {
        var (ws, id) = await SealedHistoryAsync();
        Sql($"UPDATE lineage_nodes SET attributes = replace(attributes, '0.1', '0.3') WHERE id = {id["train"]}");
        var r = await VerifyLineageAsync(ws, id["model.bin"]);
        AssertCaught(r, id["train"], "lineage root changed");
        Assert.DoesNotContain(r.Problems, p => p.NodeId == id["prepare"]);
    }

    [ServiceFact]
    public async Task VerifyLineage_EdgeDeleted_NamesTheRun()
    {
        var (ws, id) = await SealedHistoryAsync();
        Sql($"DELETE FROM lineage_edges WHERE dst = {id["train"]} AND src = {id["features.csv"]}");
        AssertCaught(await VerifyLineageAsync(ws, id["model.bin"]), id["train"], "lineage root changed");
    }

    [ServiceFact]
    public async Task VerifyLineage_LogAndRootRowsDeleted_NamesEveryUnsealedRun()
    {
        var (ws, id) = await SealedHistoryAsync();
        Sql("DELETE FROM lineage_log; DELETE FROM lineage_roots");
        var r = await VerifyLineageAsync(ws, id["model.bin"]);
        AssertCaught(r, id["prepare"], "no lineage root was sealed");
        AssertCaught(r, id["train"], "no lineage root was sealed");
        Assert.Contains(r.Problems, p => p.Problem.Contains("the newest entries", StringComparison.Ordinal));
    }

    [ServiceFact]
    public async Task VerifyLineage_NewestRunDeletedWithItsLogEntry_CaughtByTheAnchor()
    {
        var (ws, id) = await SealedHistoryAsync();
        var train = id["train"];
        Sql($"""
            DELETE FROM lineage_log WHERE node_id = {train};
            DELETE FROM lineage_edges WHERE src = {train} OR dst = {train} OR dst = {id["model.bin"]};
            DELETE FROM lineage_nodes WHERE id IN ({train}, {id["model.bin"]});
            """);
        var r = await VerifyLineageAsync(ws, id["features.csv"]);
        Assert.False(r.Intact);
        var p = Assert.Single(r.Problems);
        Assert.Contains("the lineage log ends at entry 1", p.Problem, StringComparison.Ordinal);
        Assert.Contains("records entry 2", p.Problem, StringComparison.Ordinal);
    }

    [ServiceFact]
    public async Task VerifyLineage_SealedRootEdited_NamesTheLogEntryAndTheRun()
    {
        var (ws, id) = await SealedHistoryAsync();
        Sql($"UPDATE lineage_log SET root = '{D("forged")}' WHERE node_id = {id["prepare"]}");
        var r = await VerifyLineageAsync(ws, id["model.bin"]);
        AssertCaught(r, id["prepare"], "lineage log entry 1 (run node");
        AssertCaught(r, id["prepare"], "lineage root changed");
    }

    [ServiceFact]
    public async Task VerifyLineage_MiddleLogEntryDeleted_ChainBreakNamed()
    {
        var (ws, id) = await SealedHistoryAsync();
        Sql($"DELETE FROM lineage_log WHERE node_id = {id["prepare"]}");
        var r = await VerifyLineageAsync(ws, id["model.bin"]);
        AssertCaught(r, id["train"], "lineage log entries 1 to 1 are missing");
        AssertCaught(r, id["prepare"], "no lineage root was sealed");
    }

    [ServiceFact]
    public async Task Migrate_RunsRecordedBeforeTheLog_SealedLateOnceAndSaidSo()
    {
        var (ws, id) = await SealedHistoryAsync();
        ws.Dispose();
        Sql(BeforeLineageLogSql);
        File.Delete(Path.Combine(ws.KeelDir, LineageHeadAnchor.FileName));
        using var reopened = Workspace.Open(ws.Root, TimeProvider.System);
        var log = await reopened.Metadata.LineageCatalog.SealLogAsync(default).ToListAsync();
        Assert.Equal([id["prepare"], id["train"]], log.Select(e => e.Seal.NodeId));
        Assert.All(log, e => Assert.True(e.Seal.Late));

        var r = await VerifyLineageAsync(reopened, id["model.bin"]);
        Assert.True(r.Intact, string.Join("; ", r.Problems.Select(p => p.Problem)));
        Assert.Equal(2, r.LateSealed);
        Assert.NotNull(r.LateSealedAt);
        // Sealed once: a second open does not seal again, and a later tampering is caught.
        Assert.Equal(2, (await VerifyLineageAsync(reopened, id["model.bin"])).Log.Entries);
        Sql($"UPDATE lineage_nodes SET attributes = replace(attributes, '0.1', '0.3') WHERE id = {id["train"]}");
        AssertCaught(await VerifyLineageAsync(reopened, id["model.bin"]), id["train"], "lineage root changed");
    }

    [ServiceFact]
    public async Task RecordRun_ConcurrentClients_ExtendOneValidChain()
    {
        Open().Dispose();
        var clients = Enumerable.Range(0, 8).Select(_ => Open()).ToList();
        await Task.WhenAll(clients.Select((c, i) => Task.Run(async () =>
        {
            for (var k = 0; k < 5; k++)
                await c.Lineage.AppendBatchAsync(SmallGraph($"run-{i}-{k}"), default);
        })));
        var log = await Open().LineageCatalog.SealLogAsync(default).ToListAsync();
        Assert.Equal(40, log.Count);
        Digest? head = null;
        for (var i = 0; i < log.Count; i++)
        {
            Assert.Equal(i + 1, log[i].Seal.Seq);
            Assert.True(log[i].Seal.Follows(head), $"entry {i + 1} does not chain");
            Assert.True(log[i].RunPresent);
            head = log[i].Seal.Head;
        }
    }
}
