using Keel.Lineage;
using Keel.Objects;
using Keel.Reproduction;

namespace Keel.Core.Tests.Reproduction;

public sealed class ReproductionPlanTests
{
    [Fact]
    public void Build_ModelRetrainedOnAMonitorSnapshot_TakesTheSnapshotFromTheStoreAndReplaysNothingBehindIt()
    {
        // Given: train@1 -> model@1 -> deploy -> predictions -> monitor snapshot -> data/production -> train@2 -> model@2.
        var at = DateTimeOffset.UnixEpoch;
        LineageNode Artifact(long id, string kind, string label) => new(id, NodeType.Artifact, kind, label, Digest(id), null, at, $$"""{"path": "{{label}}", "type": "file"}""");
        LineageNode Run(long id, string kind, string label) => new(id, NodeType.Run, kind, label, null, $"run{id}", at, $$"""{"stage": "{{label}}", "command": "echo {{label}}"}""");
        var nodes = new List<LineageNode>
        {
            Artifact(1, "data", "data/train.csv"), Run(2, "stage", "train"), Artifact(3, "model", "models/churn.zip"),
            Run(4, "deploy", "deploy:churn@production"), Artifact(5, "predictions", "predictions:churn@1:0"),
            Run(6, "monitor", "monitor:churn:snapshot"), Artifact(7, "data", "data/production"),
            Run(8, "stage", "train"), Artifact(9, "model", "models/churn.zip"),
        };
        var edges = new List<LineageEdge>
        {
            new(1, 2, Relation.Used, "input"), new(2, 3, Relation.Generated, null), new(3, 4, Relation.Used, "model"),
            new(4, 5, Relation.Generated, null), new(5, 6, Relation.Used, "capture"), new(6, 7, Relation.Generated, null),
            new(7, 8, Relation.Used, "input"), new(1, 8, Relation.Used, "input"), new(8, 9, Relation.Generated, null),
        };

        // When
        var plan = ReproductionPlan.Build(new LineageGraph(nodes, edges), nodes[^1]);

        // Then
        Assert.Equal([8L], plan.Steps.Select(s => s.Node));
        Assert.Equal(["data/production", "data/train.csv"], plan.RawInputs.Select(r => r.Label).Order(StringComparer.Ordinal));
    }

    private static Digest Digest(long id) => ContentHasher.Hash(BitConverter.GetBytes(id));
}
