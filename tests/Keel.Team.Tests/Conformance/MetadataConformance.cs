using Keel.Lineage;
using Keel.Metadata;
using Keel.Objects;
using Keel.Registry;
using Keel.Tracking;
using Keel.Tracking.Filters;
using Keel.Team.Tests.Infrastructure;

namespace Keel.Team.Tests.Conformance;

/// <summary>
/// The metadata contracts, run against every backend. <see cref="Open"/> returns a new client
/// of the same database each call, like a second process; tests that need concurrency open several.
/// </summary>
public abstract partial class MetadataConformance : IDisposable
{
    private readonly List<IMetadataStore> _opened = [];
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    protected abstract IMetadataStore OpenStore();

    protected IMetadataStore Open()
    {
        var s = OpenStore();
        lock (_opened) _opened.Add(s);
        return s;
    }

    private static Digest D(string text) => ContentHasher.Hash(System.Text.Encoding.UTF8.GetBytes(text));

    private static NewDatasetVersion Version(string name, string content, TreeKind kind = TreeKind.File) =>
        new(name, D(content), kind, $"data/{name}", "msg", T0, "alice", "host1", 1, content.Length);

    [ServiceFact]
    public async Task AddVersion_Twice_NumbersFromOneAndReadsBack()
    {
        var store = Open();
        var v1 = await store.Datasets.AddVersionAsync(Version("raw", "a"), default);
        var v2 = await store.Datasets.AddVersionAsync(Version("raw", "b"), default);
        await store.Datasets.AddVersionAsync(Version("other", "c", TreeKind.Directory), default);

        Assert.Equal((1, 2), (v1.Version, v2.Version));
        var latest = await store.Datasets.GetAsync("raw", null, default);
        Assert.Equal(v2, latest);
        Assert.Equal(v1, await store.Datasets.GetAsync("raw", 1, default));
        Assert.Null(await store.Datasets.GetAsync("raw", 3, default));
        Assert.Null(await store.Datasets.GetAsync("missing", null, default));
        Assert.Equal([1, 2], (await store.Datasets.HistoryAsync("raw", default)).Select(v => v.Version));
        var listed = await store.Datasets.ListLatestAsync(default);
        Assert.Equal(["other@1", "raw@2"], listed.Select(v => v.Ref));
        Assert.Equal(TreeKind.Directory, listed[0].Kind);
        Assert.Equal(T0, listed[1].CreatedAt);
    }

    [ServiceFact]
    public async Task AddVersion_ConcurrentClients_GetDistinctConsecutiveNumbers()
    {
        Open().Dispose(); // create the schema once, as `keel init` would
        // One client per writer, like separate processes (a SQLite client is one connection, not for concurrent use).
        var clients = Enumerable.Range(0, 24).Select(_ => Open()).ToList();
        var tasks = Enumerable.Range(0, 24).Select(i => Task.Run(() =>
            clients[i].Datasets.AddVersionAsync(Version("shared", "v" + i), default)));
        var versions = await Task.WhenAll(tasks);

        Assert.Equal(Enumerable.Range(1, 24), versions.Select(v => v.Version).Order());
        var nodes = await clients[0].Lineage.FindByLabelAsync("shared@24", default);
        Assert.Single(nodes);
        Assert.Equal(24, (await clients[1].Datasets.HistoryAsync("shared", default)).Count);
    }

    [ServiceFact]
    public async Task AddVersion_ConcurrentClientsWithTwoPaths_OnlyOnePathWinsTheName()
    {
        Open().Dispose();
        var clients = Enumerable.Range(0, 8).Select(_ => Open()).ToList();
        var tasks = Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
        {
            var v = Version("contested", "v" + i) with { Path = i % 2 == 0 ? "data/a" : "data/b" };
            try { return (await clients[i].Datasets.AddVersionAsync(v, default)).Path; }
            catch (KeelException e) when (e.Message.Contains("already tracks", StringComparison.Ordinal)) { return null; }
        }));
        var paths = await Task.WhenAll(tasks);

        var winners = paths.Where(p => p is not null).Distinct().ToList();
        Assert.Single(winners);
        Assert.Equal(4, paths.Count(p => p is null));
        var history = await clients[0].Datasets.HistoryAsync("contested", default);
        Assert.All(history, v => Assert.Equal(winners[0], v.Path));
    }

    [ServiceFact]
    public async Task AddVersion_RecordsItsLineageNodeInTheSameTransaction()
    {
        var store = Open();
        var v = await store.Datasets.AddVersionAsync(Version("raw", "x"), default);

        var node = Assert.Single(await store.Lineage.FindByLabelAsync("raw@1", default));
        Assert.Equal((NodeType.Artifact, "data", v.Digest), (node.Type, node.Kind, node.Digest));
        Assert.Equal(node.Id, await store.Lineage.MaxIdAsync(default));
        Assert.Equal([node.Id], (await store.LineageCatalog.FindVersionsAsync("raw", default)).Select(n => n.Id));
    }

    [ServiceFact]
    public async Task AppendBatch_NegativeReferences_ResolveWithinTheBatch()
    {
        var store = Open();
        var ids = await store.Lineage.AppendBatchAsync(SmallGraph("run-1"), default);

        Assert.Equal(3, ids.Count);
        Assert.True(ids[0] < ids[1] && ids[1] < ids[2]);
        var edges = await store.LineageCatalog.EdgesIntoAsync(ids, default);
        Assert.Equal([(ids[0], ids[1], Relation.Used, "train"), (ids[1], ids[2], Relation.Generated, (string?)null)],
            edges.Select(e => (e.From, e.To, e.Relation, e.Role)));
        var got = await store.Lineage.GetAsync(ids[1], default);
        Assert.Equal(("train", "run-1", "{\"a\":1}"), (got!.Label, got.RunId, got.Attributes));
        Assert.Null(await store.Lineage.GetAsync(ids[2] + 100, default));
        Assert.Equal(ids, (await store.LineageCatalog.GetManyAsync([ids[2], ids[0], ids[1], 999_999], default)).Select(n => n.Id));
        Assert.Equal([ids[1]], (await store.LineageCatalog.FindByRunIdPrefixAsync("run-", default)).Select(n => n.Id));
        Assert.Equal([ids[2]], (await store.LineageCatalog.FindByDigestAsync(D("model"), default)).Select(n => n.Id));
    }

    [ServiceFact]
    public async Task AppendBatch_EdgeToLaterNode_RejectedAndNothingWritten()
    {
        var store = Open();
        var before = await store.Lineage.MaxIdAsync(default);
        var bad = new List<NewLineageNode>
        {
            Node(NodeType.Artifact, "data", "ok", null, []),
            Node(NodeType.Run, "stage", "bad", "r", [new LineageEdgeFrom(before + 1000, Relation.Used)]),
        };

        await Assert.ThrowsAnyAsync<Exception>(() => store.Lineage.AppendBatchAsync(bad, default));

        Assert.Equal(before, await store.Lineage.MaxIdAsync(default));
        Assert.Empty(await store.Lineage.FindByLabelAsync("ok", default));
    }

    [ServiceFact]
    public async Task AppendBatch_LargeBatch_ReadsBackInIdOrderWithEveryEdge()
    {
        var store = Open();
        var nodes = new List<NewLineageNode> { Node(NodeType.Agent, "user", "alice@h", null, []) };
        for (var i = 1; i < 500; i++)
            nodes.Add(Node(NodeType.Artifact, "data", $"n{i}", null, [new LineageEdgeFrom(-i, Relation.Derived, i % 2 == 0 ? "r" : null)]));
        var ids = await store.Lineage.AppendBatchAsync(nodes, default);

        var read = new List<LineageNode>();
        await foreach (var n in store.Lineage.NodesAfterAsync(0, default)) read.Add(n);
        var edges = new List<LineageEdge>();
        await foreach (var e in store.Lineage.EdgesAfterAsync(ids[0], default)) edges.Add(e);

        Assert.Equal(ids, read.Select(n => n.Id));
        Assert.Equal(nodes.Select(n => n.Label), read.Select(n => n.Label));
        Assert.Equal(499, edges.Count);
        Assert.All(edges, e => Assert.True(e.From < e.To));
        Assert.Equal(ids.Skip(1), edges.Select(e => e.To));
    }

    [ServiceFact]
    public async Task Append_ConcurrentClients_IdsUniqueAndEdgesIntact()
    {
        Open().Dispose();
        var clients = Enumerable.Range(0, 16).Select(_ => Open()).ToList();
        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(() =>
            clients[i].Lineage.AppendBatchAsync(SmallGraph("run-" + i), default))));

        var all = results.SelectMany(r => r).ToList();
        Assert.Equal(48, all.Distinct().Count());
        var edges = await clients[0].LineageCatalog.EdgesIntoAsync(all, default);
        Assert.Equal(32, edges.Count);
    }

    [ServiceFact]
    public async Task RunCache_SaveFindReplace()
    {
        var store = Open();
        var recipe = D("recipe");
        Assert.Null(await store.RunCache.FindAsync(recipe, default));

        await store.RunCache.SaveAsync(recipe, "run-1", [new CachedOutput("b.txt", D("b"), TreeKind.File, 1, 1, "data"), new CachedOutput("a", D("a"), TreeKind.Directory, 5, 2, "model")], default);
        var found = await store.RunCache.FindAsync(recipe, default);
        Assert.Equal(["a", "b.txt"], found!.Select(o => o.Path));
        Assert.Equal(new CachedOutput("a", D("a"), TreeKind.Directory, 5, 2, "model"), found![0]);

        await store.RunCache.SaveAsync(recipe, "run-2", [new CachedOutput("c", D("c"), TreeKind.File, 3, 1, "metrics")], default);
        Assert.Equal(["c"], (await store.RunCache.FindAsync(recipe, default))!.Select(o => o.Path));
        await store.RunCache.SaveAsync(D("empty"), null, [], default);
        Assert.Empty((await store.RunCache.FindAsync(D("empty"), default))!);
    }

    [ServiceFact]
    public async Task References_ListEveryAggregatesDigests()
    {
        var store = Open();
        await store.Datasets.AddVersionAsync(Version("raw", "r", TreeKind.Directory), default);
        await store.RunCache.SaveAsync(D("recipe"), "run", [new CachedOutput("m", D("m"), TreeKind.File, 1, 1, "model")], default);
        await store.Lineage.AppendBatchAsync(SmallGraph("run-x"), default);

        var refs = await store.References.ListAsync(default);
        Assert.Contains(refs, r => r.Digest == D("r") && r.IsManifest && r.Owner == "raw@1");
        Assert.Contains(refs, r => r.Digest == D("m") && !r.IsManifest);
        Assert.Contains(refs, r => r.Digest == D("model") && r.Owner == "lineage model@1");
    }

    [ServiceFact]
    public async Task Aliases_HistoryAnsweredAsOfAnyTime()
    {
        var store = Open();
        await store.LineageCatalog.SetAliasAsync("churn", "production", 1, T0, default);
        await store.LineageCatalog.SetAliasAsync("churn", "production", 2, T0.AddDays(2), default);
        await store.LineageCatalog.SetAliasAsync("churn", "staging", 3, T0.AddDays(2), default);

        Assert.Equal(2, await store.LineageCatalog.AliasVersionAsync("churn", "production", null, default));
        Assert.Equal(1, await store.LineageCatalog.AliasVersionAsync("churn", "production", T0.AddDays(1), default));
        Assert.Null(await store.LineageCatalog.AliasVersionAsync("churn", "production", T0.AddDays(-1), default));
        Assert.Equal(["production", "staging"], await store.LineageCatalog.AliasesOfAsync("churn", default));
    }

    [ServiceFact]
    public async Task Reopen_SchemaMigratedOnceAndDataKept()
    {
        using (var first = OpenStore())
            await first.Datasets.AddVersionAsync(Version("raw", "kept"), default);
        await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => Task.Run(() => Open())));

        var again = Open();
        Assert.Equal(D("kept"), (await again.Datasets.GetAsync("raw", 1, default))!.Digest);
    }

    private static List<NewLineageNode> SmallGraph(string runId) =>
    [
        Node(NodeType.Artifact, "data", "raw@1", null, []),
        Node(NodeType.Run, "stage", "train", runId, [new LineageEdgeFrom(-1, Relation.Used, "train")], "{\"a\":1}"),
        new(NodeType.Artifact, "model", "model@1", D("model"), null, T0, null, [new LineageEdgeFrom(-2, Relation.Generated)]),
    ];

    private static NewLineageNode Node(NodeType type, string kind, string label, string? runId, IReadOnlyList<LineageEdgeFrom> incoming, string? attributes = null) =>
        new(type, kind, label, null, runId, T0, attributes, incoming);

    private static readonly GitState NoGit = new("abc123", "main", null, false, null, 0, []);

    private static NewRun NewRunAt(string name, int minute, string? experiment = "exp") =>
        new(RunId.New(new FixedTime(T0.AddMinutes(minute))), name, experiment, "sdk", T0.AddMinutes(minute), "alice", "host1", 1, null, null, 7, NoGit, null);

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    [ServiceFact]
    public async Task Runs_CreateLogFinish_RecordsEverythingAndWritesLineage()
    {
        var store = Open();
        var data = await store.Datasets.AddVersionAsync(Version("raw", "d"), default);
        var run = await store.Runs.CreateAsync(NewRunAt("train", 0), default);
        await store.Runs.LogAsync(run.Id, new RunBatch(
            [new("lr", "0.1")],
            [new MetricPoint("loss", 1.0, 0, T0), new MetricPoint("loss", 0.5, 1, T0.AddSeconds(1)), new MetricPoint("odd", double.NaN, 0, T0)],
            [new("team", "a")],
            [new RunInput("raw@1", data.Digest, false, "train")],
            [new RunOutput("model.bin", "model", D("weights"), false, 7)]), default);
        await store.Runs.LogAsync(run.Id, RunBatch.Empty with { Params = [new("lr", "0.1")], Tags = [new("team", "b")] }, default);
        await Assert.ThrowsAsync<KeelException>(() => store.Runs.LogAsync(run.Id, RunBatch.Empty with { Params = [new("lr", "0.2")] }, default));

        var finished = await store.Runs.FinishAsync(run.Id, new RunCompletion(RunStatus.Finished, T0.AddMinutes(5), 0, new RunResources(1.5, 1024, 300)), default);
        Assert.Equal(run.Id, finished.Id);
        await Assert.ThrowsAsync<KeelException>(() => store.Runs.LogAsync(run.Id, RunBatch.OfMetrics([new MetricPoint("loss", 0.1, 2, T0)]), default));
        await Assert.ThrowsAsync<KeelException>(() => store.Runs.FinishAsync(run.Id, new RunCompletion(RunStatus.Failed, T0.AddMinutes(6), 1, null), default));

        var detail = (await Open().Runs.GetDetailAsync(run.Id, default))!;
        Assert.Equal(RunStatus.Finished, detail.Run.Status);
        Assert.Equal(T0.AddMinutes(5), detail.Run.EndedAt);
        Assert.Equal(0, detail.Run.ExitCode);
        Assert.Equal(1024, detail.Run.Resources!.PeakMemoryBytes);
        Assert.Equal("0.1", detail.Params["lr"]);
        Assert.Equal("b", detail.Tags["team"]);
        Assert.Equal(0.5, detail.LatestMetrics["loss"].Value);
        Assert.True(double.IsNaN(detail.LatestMetrics["odd"].Value));
        Assert.Equal([1.0, 0.5], (await store.Runs.MetricHistoryAsync(run.Id, "loss", default)).Select(m => m.Value));
        Assert.Equal("raw@1", Assert.Single(detail.Inputs).Ref);
        Assert.Equal(D("weights"), Assert.Single(detail.Outputs).Digest);

        // The run's lineage: a run node tied to the run, using the dataset's existing node, generating the output.
        var runNode = Assert.Single(await store.Lineage.FindByLabelAsync("train", default), n => n.Type == NodeType.Run);
        Assert.Equal(run.Id.ToString(), runNode.RunId);
        var dataNode = Assert.Single(await store.Lineage.FindByLabelAsync("raw@1", default));
        var output = Assert.Single(await store.Lineage.FindByLabelAsync("model.bin", default));
        Assert.Equal(D("weights"), output.Digest);
        var edges = new List<LineageEdge>();
        await foreach (var e in store.Lineage.EdgesAfterAsync(0, default)) edges.Add(e);
        Assert.Contains(edges, e => e.From == dataNode.Id && e.To == runNode.Id);
        Assert.Contains(edges, e => e.From == runNode.Id && e.To == output.Id);
        Assert.Empty(await store.Runs.ListRunningAsync(default));

        var refs = await store.References.ListAsync(default);
        Assert.Contains(refs, r => r.Digest == D("weights") && r.Owner == $"run {run.Id} output model.bin");
    }

    [ServiceFact]
    public async Task Runs_QueryWithFilterAndSort_ReadsLatestMetricsAndParams()
    {
        var store = Open();
        var runs = new List<Run>();
        var accs = new[] { 0.9, 0.4, 0.7 };
        for (var i = 0; i < 3; i++)
        {
            var run = await store.Runs.CreateAsync(NewRunAt("r" + i, i, i == 2 ? "other" : "exp"), default);
            await store.Runs.LogAsync(run.Id, new RunBatch([new("lr", i == 1 ? "0.01" : "0.1"), new("opt", "adam")],
                [new MetricPoint("acc", 0.0, 0, T0), new MetricPoint("acc", accs[i], 1, T0)], [], [], []), default);
            runs.Add(run);
        }
        var accAbove = new RunFilterComparison(new RunField(FieldScope.Metric, "acc"), CompareOp.Greater, 0.5);
        var lrEquals = new RunFilterComparison(new RunField(FieldScope.Param, "lr"), CompareOp.Equal, 0.1);
        var byAcc = new RunSort(new RunField(FieldScope.Metric, "acc"), true);

        var found = await store.Runs.QueryAsync(new RunQuery(null, new RunFilterAnd(accAbove, lrEquals), byAcc, 10), default);
        Assert.Equal([runs[0].Id, runs[2].Id], found.Select(r => r.Id));
        var inExp = await store.Runs.QueryAsync(new RunQuery("exp", new RunFilterNot(accAbove), RunSort.Default, 10), default);
        Assert.Equal([runs[1].Id], inExp.Select(r => r.Id));
        var byText = new RunFilterComparison(new RunField(FieldScope.Param, "opt"), CompareOp.NotEqual, "sgd");
        var latestFirst = await store.Runs.QueryAsync(new RunQuery(null, byText, RunSort.Default, 2), default);
        Assert.Equal([runs[2].Id, runs[1].Id], latestFirst.Select(r => r.Id));
        var started = new RunFilterComparison(new RunField(FieldScope.Attribute, "started_at"), CompareOp.GreaterOrEqual, T0.AddMinutes(1).ToString("O"));
        Assert.Equal(2, (await store.Runs.QueryAsync(new RunQuery(null, started, RunSort.Default, 10), default)).Count);
        Assert.Equal(3, (await store.Runs.ListRunningAsync(default)).Count);
        Assert.Equal([runs[1].Id], await store.Runs.FindByPrefixAsync(runs[1].Id.ToString()[..20], 5, default));
    }

    private static NewModelVersion Model(string name, int seed) => new(
        name, "mlnet", D("model" + seed), D("canonical" + seed),
        new ModelSignature([new SignatureField("tenure", FieldType.Number, false, 0, 72, null)], ["Score"], 10),
        new ModelCard("d", "o", "u", new Dictionary<string, double> { ["auc"] = 0.8 }), "path:m.zip", D("train" + seed), null, T0.AddMinutes(seed), "alice", "host1");

    [ServiceFact]
    public async Task Models_RegisterVersionsAndMoveAliases()
    {
        var store = Open();
        var v1 = await store.Models.RegisterAsync(Model("churn", 1), default);
        var v2 = await Open().Models.RegisterAsync(Model("churn", 2), default);
        await store.Models.RegisterAsync(Model("alpha", 3), default);

        Assert.Equal((1, 2), (v1.Version, v2.Version));
        Assert.Equal(v2.NodeId, Assert.Single(await store.Lineage.FindByLabelAsync("churn@2", default)).Id);
        var got = (await store.Models.GetAsync("churn", 1, default))!;
        Assert.Equal((v1.Digest, v1.TrainingData, v1.Signature.Inputs[0].Name, v1.Card.Metrics["auc"]), (got.Digest, got.TrainingData, got.Signature.Inputs[0].Name, got.Card.Metrics["auc"]));
        Assert.Equal(2, (await store.Models.GetAsync("churn", null, default))!.Version);
        Assert.Equal(["alpha@1", "churn@2"], (await store.Models.ListLatestAsync(default)).Select(m => $"{m.Name}@{m.Version}"));
        Assert.Equal([1, 2], (await store.Models.VersionsAsync("churn", default)).Select(m => m.Version));

        await store.Models.SetAliasAsync("churn", "prod", 1, T0.AddHours(1), default);
        await store.Models.SetAliasAsync("churn", "prod", 2, T0.AddHours(2), default);
        Assert.Equal(2, await store.Models.AliasVersionAsync("churn", "prod", null, default));
        Assert.Equal(1, await store.Models.AliasVersionAsync("churn", "prod", T0.AddHours(1.5), default));
        Assert.Null(await store.Models.AliasVersionAsync("churn", "prod", T0, default));
        Assert.Equal([1, 2], (await store.Models.AliasHistoryAsync("churn", default)).Select(a => a.Version));

        var refs = await store.References.ListAsync(default);
        Assert.Contains(refs, r => r.Digest == D("model1") && r.Owner == "model churn@1");
        Assert.Contains(refs, r => r.Digest == D("train2") && r.Owner == "training data of churn@2");
    }

    public void Dispose()
    {
        foreach (var s in _opened) s.Dispose();
        foreach (var w in Enumerable.Reverse(_workspaces)) w.Dispose();
        DisposeBackend();
        GC.SuppressFinalize(this);
    }

    protected virtual void DisposeBackend()
    {
    }
}
