using System.Text.Json;
using Keel.Lineage;
using Keel.Objects;
using Keel.Registry;
using Keel.Workspaces;

namespace Keel.Models.Testing;

/// <summary>
/// A behaviour-test run as lineage nodes: the data it read (existing nodes reused by digest),
/// the run (kind <c>test</c>) using the model, and its report (kind <c>report</c>, stored as an object).
/// </summary>
public static class TestLineage
{
    /// <summary>Nodes to append in one batch; the run's position in the batch is returned so later nodes can point at it.</summary>
    public static async Task<(List<NewLineageNode> Nodes, int RunIndex, int ReportIndex)> NodesAsync(
        Workspace workspace, ModelVersion version, TestReport report, IEnumerable<(CsvTable Table, Digest Digest, string Label)> data, string runId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(data);
        var now = workspace.Time.GetUtcNow();
        var nodes = new List<NewLineageNode>();
        var incoming = new List<LineageEdgeFrom> { new(version.NodeId, Relation.Used, "model") };
        foreach (var (_, digest, label) in data)
        {
            var existing = (await workspace.Metadata.LineageCatalog.FindByDigestAsync(digest, cancellationToken).ConfigureAwait(false))
                .LastOrDefault(n => n.Type == NodeType.Artifact);
            if (existing is not null) { incoming.Add(new LineageEdgeFrom(existing.Id, Relation.Used, "holdout")); continue; }
            nodes.Add(new NewLineageNode(NodeType.Artifact, "data", label, digest, null, now, JsonSerializer.Serialize(new { path = label }), []));
            incoming.Add(new LineageEdgeFrom(-nodes.Count, Relation.Used, "holdout"));
        }
        var attributes = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["stage"] = "test",
            ["command"] = $"keel test {version.Ref}",
            ["model"] = version.Ref,
            ["passed"] = report.Passed,
            ["failures"] = report.Failures.Select(f => f.Name).ToArray(),
            ["user"] = Agent.User,
        });
        nodes.Add(new NewLineageNode(NodeType.Run, "test", $"test:{version.Ref}", null, runId, now, attributes, incoming));
        var runIndex = nodes.Count;
        var bytes = JsonSerializer.SerializeToUtf8Bytes(report, RegistryJson.Options);
        var d = ContentHasher.Hash(bytes);
        workspace.Objects.Put(d, bytes);
        nodes.Add(new NewLineageNode(NodeType.Artifact, "report", $"test:{version.Ref}:report", d, runId, now, null, [new LineageEdgeFrom(-runIndex, Relation.Generated)]));
        return (nodes, runIndex, nodes.Count);
    }
}
