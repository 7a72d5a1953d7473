using Keel.Lineage;
using Keel.Registry;
using Keel.Tracking;
using Keel.Team.Tests.Infrastructure;

namespace Keel.Team.Tests.Conformance;

/// <summary>What serving and tracking write while a model is live: deployments, feedback labels, metric flushes, run heartbeats.</summary>
public abstract partial class MetadataConformance
{
    [ServiceFact]
    public async Task Deployments_DeployCanaryRollback_MoveAliasesAndRecordEachWithItsLineage()
    {
        // Given two versions of a model.
        var store = Open();
        var v1 = await store.Models.RegisterAsync(Model("churn", 1), default);
        var v2 = await store.Models.RegisterAsync(Model("churn", 2), default);

        // When v1 is deployed, v2 goes out as a 10% canary, and the canary is rolled back.
        var first = await store.Models.RecordDeploymentAsync(
            new NewDeployment("run-a", "deploy", "churn", "production", 1, null, 0, D("pkg1"), T0.AddHours(1)), DeployNodes(v1, "run-a", T0.AddHours(1)), default);
        Assert.Equal(1, await store.Models.AliasVersionAsync("churn", "production", null, default));
        var canary = await Open().Models.RecordDeploymentAsync(
            new NewDeployment("run-b", "deploy", "churn", "production", 2, 1, 10, D("pkg2"), T0.AddHours(2)), DeployNodes(v2, "run-b", T0.AddHours(2)), default);
        Assert.Equal(1, await store.Models.AliasVersionAsync("churn", "production", null, default));
        var rollback = await store.Models.RecordDeploymentAsync(
            new NewDeployment("run-c", "rollback", "churn", "production", 1, 2, 0, null, T0.AddHours(3)),
            [new NewLineageNode(NodeType.Run, "deploy", "rollback churn@production", null, "run-c", T0.AddHours(3), null, [new LineageEdgeFrom(v1.NodeId, Relation.Used, "model")])], default);

        // Then every deployment reads back in order from another client, each tied to its deploy node.
        var all = await Open().Models.DeploymentsAsync("churn", default);
        Assert.Equal([first.Id, canary.Id, rollback.Id], all.Select(d => d.Id));
        Assert.True(first.Id < canary.Id && canary.Id < rollback.Id);
        Assert.Equal(canary, all[1]);
        Assert.Equal(("rollback", 1, (int?)2, 0.0, (Keel.Objects.Digest?)null, T0.AddHours(3)),
            (all[2].Action, all[2].Version, all[2].PreviousVersion, all[2].CanaryPercent, all[2].Package, all[2].CreatedAt));
        var deployNode = Assert.Single(await store.Lineage.FindByLabelAsync("deploy churn@2", default));
        Assert.Equal(deployNode.Id, canary.NodeId);
        var package = Assert.Single(await store.Lineage.FindByLabelAsync("package:churn@2", default));
        var edges = new List<LineageEdge>();
        await foreach (var e in store.Lineage.EdgesAfterAsync(0, default)) edges.Add(e);
        Assert.Contains(edges, e => e.From == v2.NodeId && e.To == deployNode.Id && e.Relation == Relation.Used);
        Assert.Contains(edges, e => e.From == deployNode.Id && e.To == package.Id && e.Relation == Relation.Generated);
        Assert.Equal([1, 1], (await store.Models.AliasHistoryAsync("churn", default)).Select(a => a.Version));
        Assert.Empty(await store.Models.DeploymentsAsync("other", default));
        var refs = await store.References.ListAsync(default);
        Assert.Contains(refs, r => r.Digest == D("pkg2") && r.Owner == "serving package of churn@2");
    }

    // A negative edge source -k is the k-th node of the same batch.
    private static List<NewLineageNode> DeployNodes(ModelVersion version, string runId, DateTimeOffset at) =>
    [
        new(NodeType.Artifact, "report", $"gate {version.Ref}", D("report" + version.Version), runId, at, null, [new LineageEdgeFrom(version.NodeId, Relation.Used, "model")]),
        new(NodeType.Run, "deploy", $"deploy {version.Ref}", null, runId, at, null, [new LineageEdgeFrom(version.NodeId, Relation.Used, "model"), new LineageEdgeFrom(-1, Relation.Used, "gate")]),
        new(NodeType.Artifact, "model", $"package:{version.Ref}", D("pkg" + version.Version), runId, at, null, [new LineageEdgeFrom(-2, Relation.Generated)]),
    ];

    [ServiceFact]
    public async Task Feedback_AddedInBatches_ReadsBackPerModelInArrivalOrder()
    {
        var store = Open();
        await store.Models.AddFeedbackAsync([], default);
        await store.Models.AddFeedbackAsync(
            [new FeedbackLabel("req-1", 0, "churn", "true", T0), new FeedbackLabel("req-1", 1, "churn", "false", T0), new FeedbackLabel("req-9", 0, "other", "3.5", T0)], default);
        await Open().Models.AddFeedbackAsync([new FeedbackLabel("req-2", 0, "churn", "true", T0.AddMinutes(1))], default);

        var churn = await Open().Models.FeedbackAsync("churn", default);

        Assert.Equal([("req-1", 0, "true"), ("req-1", 1, "false"), ("req-2", 0, "true")], churn.Select(l => (l.RequestId, l.Row, l.Label)));
        Assert.Equal(T0.AddMinutes(1), churn[2].ReceivedAt);
        Assert.Equal("3.5", Assert.Single(await store.Models.FeedbackAsync("other", default)).Label);
        Assert.Empty(await store.Models.FeedbackAsync("nobody", default));
    }

    [ServiceFact]
    public async Task Log_LargeMetricBatch_StoredWholeAndRefusedWholeOnceTheRunEnded()
    {
        // Given a flush of 500 points on two keys (PostgreSQL takes binary COPY from 32 points on), the last one NaN.
        var store = Open();
        var run = await store.Runs.CreateAsync(NewRunAt("flush", 0), default);
        var points = Enumerable.Range(0, 500)
            .Select(i => new MetricPoint(i % 2 == 0 ? "loss" : "acc", i == 499 ? double.NaN : i, i / 2, T0.AddSeconds(i))).ToList();

        await store.Runs.LogAsync(run.Id, RunBatch.OfMetrics(points), default);

        // Then every point reads back in step order, and the latest values are the last steps.
        var loss = await Open().Runs.MetricHistoryAsync(run.Id, "loss", default);
        Assert.Equal(Enumerable.Range(0, 250).Select(i => 2.0 * i), loss.Select(m => m.Value));
        Assert.Equal(T0.AddSeconds(498), loss[^1].Timestamp);
        var detail = (await store.Runs.GetDetailAsync(run.Id, default))!;
        Assert.Equal((498.0, 249L), (detail.LatestMetrics["loss"].Value, detail.LatestMetrics["loss"].Step));
        Assert.True(double.IsNaN(detail.LatestMetrics["acc"].Value));

        // And once the run ended, or for a run that does not exist, the whole flush is refused and nothing is added.
        await store.Runs.FinishAsync(run.Id, new RunCompletion(RunStatus.Finished, T0.AddMinutes(1), 0, null), default);
        var ended = await Assert.ThrowsAsync<KeelException>(() => store.Runs.LogAsync(run.Id, RunBatch.OfMetrics(points), default));
        Assert.Contains("has ended", ended.Message, StringComparison.Ordinal);
        var missing = await Assert.ThrowsAsync<KeelException>(() => store.Runs.LogAsync(RunId.New(TimeProvider.System), RunBatch.OfMetrics(points), default));
        Assert.Contains("no run", missing.Message, StringComparison.Ordinal);
        Assert.Equal(250, (await store.Runs.MetricHistoryAsync(run.Id, "loss", default)).Count);
    }

    [ServiceFact]
    public async Task Heartbeat_WhileRunning_MovesAndAfterTheEnd_IsIgnored()
    {
        var store = Open();
        var run = await store.Runs.CreateAsync(NewRunAt("long", 0), default);
        Assert.Equal(T0, (await store.Runs.GetAsync(run.Id, default))!.Heartbeat);

        await Open().Runs.HeartbeatAsync(run.Id, T0.AddMinutes(10), default);

        Assert.Equal(T0.AddMinutes(10), (await store.Runs.GetAsync(run.Id, default))!.Heartbeat);
        Assert.Equal(T0.AddMinutes(10), Assert.Single(await store.Runs.ListRunningAsync(default)).Heartbeat);
        await store.Runs.FinishAsync(run.Id, new RunCompletion(RunStatus.Finished, T0.AddMinutes(11), 0, null), default);
        await store.Runs.HeartbeatAsync(run.Id, T0.AddMinutes(20), default);
        await store.Runs.HeartbeatAsync(RunId.New(TimeProvider.System), T0.AddMinutes(20), default);
        var ended = (await store.Runs.GetAsync(run.Id, default))!;
        Assert.Equal((RunStatus.Finished, T0.AddMinutes(10)), (ended.Status, ended.Heartbeat));
        Assert.Empty(await store.Runs.ListRunningAsync(default));
    }
}
