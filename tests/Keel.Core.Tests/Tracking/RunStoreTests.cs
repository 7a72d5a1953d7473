using Keel.Lineage;
using Keel.Metadata;
using Keel.Tracking;

namespace Keel.Core.Tests.Tracking;

public sealed class RunStoreTests : IDisposable
{
    private readonly TrackingStoreFixture _f = new();
    private readonly CancellationToken _ct = CancellationToken.None;

    [Fact]
    public async Task LogParam_SameValueTwice_IsAccepted()
    {
        var run = await _f.NewRunAsync();
        await _f.Store.Runs.LogAsync(run.Id, RunBatch.Empty with { Params = [new("lr", "0.1")] }, _ct);
        await _f.Store.Runs.LogAsync(run.Id, RunBatch.Empty with { Params = [new("lr", "0.1")] }, _ct);
        var detail = await _f.Store.Runs.GetDetailAsync(run.Id, _ct);
        Assert.Equal("0.1", detail!.Params["lr"]);
    }

    [Fact]
    public async Task LogParam_DifferentValue_FailsNamingBothValuesAndKeepsTheFirst()
    {
        var run = await _f.NewRunAsync();
        await _f.Store.Runs.LogAsync(run.Id, RunBatch.Empty with { Params = [new("trainer", "lightgbm")] }, _ct);
        var e = await Assert.ThrowsAsync<KeelException>(() =>
            _f.Store.Runs.LogAsync(run.Id, RunBatch.Empty with { Params = [new("trainer", "fasttree")], Metrics = [TrackingStoreFixture.Point("auc", 1)] }, _ct));
        Assert.Contains("'lightgbm'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'fasttree'", e.Message, StringComparison.Ordinal);
        var detail = await _f.Store.Runs.GetDetailAsync(run.Id, _ct);
        Assert.Equal("lightgbm", detail!.Params["trainer"]);
        Assert.Empty(detail.LatestMetrics); // the whole batch rolled back
    }

    [Fact]
    public async Task LogMetric_NaNAndInfinities_RoundTrip()
    {
        var run = await _f.NewRunAsync();
        await _f.Store.Runs.LogAsync(run.Id, RunBatch.OfMetrics([
            TrackingStoreFixture.Point("loss", double.NaN, 0),
            TrackingStoreFixture.Point("loss", double.PositiveInfinity, 1),
            TrackingStoreFixture.Point("loss", double.NegativeInfinity, 2),
            TrackingStoreFixture.Point("loss", 0.25, 3),
        ]), _ct);
        var history = await _f.Store.Runs.MetricHistoryAsync(run.Id, "loss", _ct);
        Assert.Equal([double.NaN, double.PositiveInfinity, double.NegativeInfinity, 0.25], history.Select(p => p.Value));
        Assert.Equal([0L, 1, 2, 3], history.Select(p => p.Step));
    }

    [Fact]
    public async Task LatestMetric_IsTheHighestStep_EvenWhenLoggedOutOfOrder()
    {
        var run = await _f.NewRunAsync();
        await _f.Store.Runs.LogAsync(run.Id, RunBatch.OfMetrics([TrackingStoreFixture.Point("acc", 0.9, 5)]), _ct);
        await _f.Store.Runs.LogAsync(run.Id, RunBatch.OfMetrics([TrackingStoreFixture.Point("acc", 0.1, 2), TrackingStoreFixture.Point("acc", double.NaN, 1)]), _ct);
        var detail = await _f.Store.Runs.GetDetailAsync(run.Id, _ct);
        Assert.Equal(0.9, detail!.LatestMetrics["acc"].Value);
        Assert.Equal(5, detail.LatestMetrics["acc"].Step);
        Assert.Equal(3, (await _f.Store.Runs.MetricHistoryAsync(run.Id, "acc", _ct)).Count);
    }

    [Fact]
    public async Task Log_ToFinishedRun_Fails()
    {
        var run = await _f.NewRunAsync();
        await _f.Store.Runs.FinishAsync(run.Id, new RunCompletion(RunStatus.Finished, _f.Time.GetUtcNow(), 0, null), _ct);
        var e = await Assert.ThrowsAsync<KeelException>(() => _f.Store.Runs.LogAsync(run.Id, RunBatch.OfMetrics([TrackingStoreFixture.Point("x", 1)]), _ct));
        Assert.Contains("finished", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<KeelException>(() => _f.Store.Runs.FinishAsync(run.Id, new RunCompletion(RunStatus.Failed, _f.Time.GetUtcNow(), 1, null), _ct));
    }

    [Fact]
    public async Task Tags_AreMutable()
    {
        var run = await _f.NewRunAsync();
        await _f.Store.Runs.LogAsync(run.Id, RunBatch.Empty with { Tags = [new("stage", "dev")] }, _ct);
        await _f.Store.Runs.LogAsync(run.Id, RunBatch.Empty with { Tags = [new("stage", "prod")] }, _ct);
        Assert.Equal("prod", (await _f.Store.Runs.GetDetailAsync(run.Id, _ct))!.Tags["stage"]);
    }

    [Fact]
    public async Task Finish_WritesRunLineage_UsingTheDatasetNodeAndGeneratingOutputs()
    {
        var data = TrackingStoreFixture.SomeDigest("raw");
        await _f.Store.Datasets.AddVersionAsync(new NewDatasetVersion("raw", data, TreeKind.File, "raw.csv", null, _f.Time.GetUtcNow(), "u", "h", 1, 3), _ct);
        var datasetNode = (await _f.Store.Lineage.FindByLabelAsync("raw@1", _ct)).Single();
        var run = await _f.NewRunAsync();
        var model = TrackingStoreFixture.SomeDigest("model");
        await _f.Store.Runs.LogAsync(run.Id, RunBatch.Empty with
        {
            Inputs = [new RunInput("raw@1", data, false, "train")],
            Outputs = [new RunOutput("model.zip", "model", model, false, 5)],
        }, _ct);
        await _f.Store.Runs.FinishAsync(run.Id, new RunCompletion(RunStatus.Finished, _f.Time.GetUtcNow(), 0, null), _ct);

        var runNode = (await _f.Store.LineageCatalog.FindByRunIdPrefixAsync(run.Id.ToString(), _ct)).Single(n => n.Type == Keel.Lineage.NodeType.Run);
        Assert.Equal(NodeType.Run, runNode.Type);
        var edges = new List<LineageEdge>();
        await foreach (var e in _f.Store.Lineage.EdgesAfterAsync(0, _ct)) edges.Add(e);
        Assert.Contains(edges, e => e.From == datasetNode.Id && e.To == runNode.Id && e.Relation == Relation.Used && e.Role == "train");
        var modelNode = (await _f.Store.Lineage.FindByLabelAsync("model.zip", _ct)).Single();
        Assert.Contains(edges, e => e.From == runNode.Id && e.To == modelNode.Id && e.Relation == Relation.Generated);
        Assert.Contains(edges, e => e.To == runNode.Id && e.Relation == Relation.Associated);
        var refs = await _f.Store.References.ListAsync(_ct);
        Assert.Contains(refs, r => r.Digest == model);
    }

    [Fact]
    public async Task FindByPrefix_ReturnsMatchingIds()
    {
        var a = await _f.NewRunAsync();
        var found = await _f.Store.Runs.FindByPrefixAsync(a.Id.ToString()[..20], 5, _ct);
        Assert.Equal([a.Id], found);
        Assert.Equal(a.Id, await RunResolver.ResolveAsync(_f.Store.Runs, a.Id.ToString()[..20], _ct));
        await Assert.ThrowsAsync<KeelException>(() => RunResolver.ResolveAsync(_f.Store.Runs, "ffffffff", _ct));
    }

    [Fact]
    public void RunId_IsTimeOrderedUuidV7()
    {
        var early = RunId.New(new FixedTime(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture)));
        var late = RunId.New(new FixedTime(DateTimeOffset.Parse("2026-06-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(7, early.Value.Version);
        Assert.True(early.CompareTo(late) < 0);
        Assert.Equal(early, RunId.Parse(early.ToString()));
    }

    public void Dispose() => _f.Dispose();

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
