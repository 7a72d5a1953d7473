using System.Text.Json;
using Keel.Datasets;
using Keel.Lineage;
using Keel.Objects;
using Keel.Workspaces;

namespace Keel.Pipelines;

/// <summary>A stage execution to record: its recipe, what it read, what it wrote, how it ended.</summary>
internal sealed record StageExecution(
    string RunId,
    StageDefinition Stage,
    Recipe Recipe,
    IReadOnlyList<(DepSpec Dep, TreeDigest Digest)> Inputs,
    IReadOnlyList<(OutSpec Out, TreeDigest Digest)> Outputs,
    StageOutcome Outcome,
    string Status,
    Digest? Stdout,
    Digest? Stderr,
    DateTimeOffset StartedAt,
    int Seed,
    string Executor);

/// <summary>
/// Writes a stage execution into the provenance graph in one batch: the agent, the artifacts
/// it used (data, code, params, environment), the run, and what it generated (outputs, logs).
/// </summary>
internal sealed class StageRecorder(Workspace workspace, GitState git)
{
    private static readonly string[] CodeExtensions = [".cs", ".csproj", ".py", ".r", ".sh", ".sql", ".ipynb", ".js", ".ts", ".java", ".scala", ".go", ".rs", ".props", ".dll"];

    public async Task RecordAsync(StageExecution e, CancellationToken cancellationToken)
    {
        var lineage = workspace.Metadata.Lineage;
        var now = workspace.Time.GetUtcNow();
        var nodes = new List<NewLineageNode>();
        var incoming = new List<LineageEdgeFrom>();

        var agentLabel = $"{Agent.User}@{Agent.Host}";
        var agent = (await lineage.FindByLabelAsync(agentLabel, cancellationToken).ConfigureAwait(false)).LastOrDefault(n => n.Type == NodeType.Agent);
        if (agent is not null) incoming.Add(new LineageEdgeFrom(agent.Id, Relation.Associated));
        else
        {
            nodes.Add(new NewLineageNode(NodeType.Agent, "user", agentLabel, null, null, now, null, []));
            incoming.Add(new LineageEdgeFrom(-nodes.Count, Relation.Associated));
        }

        foreach (var (dep, digest) in e.Inputs)
        {
            var label = dep.DatasetRef ?? dep.Path;
            var existing = (await lineage.FindByLabelAsync(label, cancellationToken).ConfigureAwait(false))
                .LastOrDefault(n => n.Type == NodeType.Artifact && n.Digest == digest.Digest);
            if (existing is not null)
            {
                incoming.Add(new LineageEdgeFrom(existing.Id, Relation.Used, RoleOf(dep)));
                continue;
            }
            nodes.Add(new NewLineageNode(NodeType.Artifact, KindOf(dep), label, digest.Digest, null, now,
                Json(new Dictionary<string, object?> { ["path"] = digest.Path, ["files"] = digest.Files, ["bytes"] = digest.Bytes }), []));
            incoming.Add(new LineageEdgeFrom(-nodes.Count, Relation.Used, RoleOf(dep)));
        }

        var paramValues = e.Recipe.Params.ToDictionary(p => p.Key, p => (object?)p.Value);
        if (paramValues.Count > 0)
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(paramValues);
            var d = ContentHasher.Hash(bytes);
            workspace.Objects.Put(d, bytes);
            nodes.Add(new NewLineageNode(NodeType.Artifact, "params", $"{e.Stage.Name}:params", d, null, now, Json(paramValues), []));
            incoming.Add(new LineageEdgeFrom(-nodes.Count, Relation.Used, "params"));
        }

        var attributes = new Dictionary<string, object?>
        {
            ["stage"] = e.Stage.Name,
            ["command"] = e.Stage.Command,
            ["params"] = paramValues,
            ["seed"] = e.Seed,
            ["recipe"] = e.Recipe.Digest.ToString(),
            ["env"] = e.Recipe.EnvironmentLock,
            ["git_commit"] = git.Commit,
            ["git_dirty"] = git.Dirty,
            ["status"] = e.Status,
            ["exit_code"] = e.Outcome.ExitCode,
            ["executor"] = e.Executor,
            ["started_at"] = e.StartedAt,
            ["wall_seconds"] = e.Outcome.Wall.TotalSeconds,
            ["cpu_seconds"] = e.Outcome.CpuSeconds,
            ["peak_memory_bytes"] = e.Outcome.PeakMemoryBytes,
            ["stdout"] = e.Stdout?.ToString(),
            ["stderr"] = e.Stderr?.ToString(),
        };
        nodes.Add(new NewLineageNode(NodeType.Run, "stage", e.Stage.Name, e.Recipe.Digest, e.RunId, now, Json(attributes), incoming));
        var runIndex = -nodes.Count;

        foreach (var (o, digest) in e.Outputs)
        {
            nodes.Add(new NewLineageNode(NodeType.Artifact, o.Kind, o.Path, digest.Digest, e.RunId, now,
                Json(new Dictionary<string, object?> { ["path"] = o.Path, ["files"] = digest.Files, ["bytes"] = digest.Bytes, ["type"] = digest.Kind == Metadata.TreeKind.File ? "file" : "directory" }),
                [new LineageEdgeFrom(runIndex, Relation.Generated)]));
        }
        foreach (var (name, d) in new[] { ("stdout", e.Stdout), ("stderr", e.Stderr) })
        {
            if (d is null) continue;
            nodes.Add(new NewLineageNode(NodeType.Artifact, "log", $"{e.Stage.Name}:{name}", d, e.RunId, now, null, [new LineageEdgeFrom(runIndex, Relation.Generated)]));
        }
        await lineage.AppendBatchAsync(nodes, cancellationToken).ConfigureAwait(false);
    }

    private static string RoleOf(DepSpec dep) => dep.DatasetRef is not null ? "dataset" : "input";

    private static string KindOf(DepSpec dep)
    {
        if (dep.DatasetRef is not null) return "data";
        var ext = Path.GetExtension(dep.Path).ToLowerInvariant();
        return CodeExtensions.Contains(ext) || dep.Path.Split('/').Any(p => p is "src" or "bin" or "scripts") ? "code" : "data";
    }

    private static string Json(object value) => JsonSerializer.Serialize(value);
}
