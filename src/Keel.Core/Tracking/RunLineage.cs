using System.Text.Json;
using Keel.Lineage;

namespace Keel.Tracking;

/// <summary>
/// How a finished run enters the provenance graph: a Run node (kind exec, sdk, ...) that
/// Used its input artifacts, its code (the git diff) and its environment, Associated with an
/// agent (user@host), and Generated one artifact node per output.
/// </summary>
public static class RunLineage
{
    /// <param name="inputNodes">The existing node of each input (same order as <see cref="RunDetail.Inputs"/>), or null to create one.</param>
    /// <param name="agentNode">The existing agent node for user@host, or null to create it.</param>
    /// <returns>The nodes to append as one batch, and the index of the run node in it.</returns>
    public static (IReadOnlyList<NewLineageNode> Nodes, int RunIndex) Build(
        RunDetail detail, DateTimeOffset at, IReadOnlyList<long?> inputNodes, long? agentNode)
    {
        ArgumentNullException.ThrowIfNull(detail);
        ArgumentNullException.ThrowIfNull(inputNodes);
        var run = detail.Run;
        var id = run.Id.ToString();
        var nodes = new List<NewLineageNode>();
        var runIncoming = new List<LineageEdgeFrom>();
        long Add(NewLineageNode n)
        {
            nodes.Add(n);
            return -nodes.Count;
        }

        for (var i = 0; i < detail.Inputs.Count; i++)
        {
            var input = detail.Inputs[i];
            var inputAttributes = JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["path"] = input.Ref,
                ["type"] = input.IsManifest ? "directory" : "file",
            });
            var from = inputNodes[i] ?? Add(new NewLineageNode(NodeType.Artifact, InputKind(input), input.Ref, input.Digest, null, at, inputAttributes, []));
            runIncoming.Add(new LineageEdgeFrom(from, Relation.Used, input.Role));
        }
        if (run.Git.Diff is { } diff || run.Git.Commit is not null)
        {
            var attributes = JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["commit"] = run.Git.Commit,
                ["branch"] = run.Git.Branch,
                ["remote"] = run.Git.Remote,
                ["dirty"] = run.Git.Dirty,
            });
            var label = run.Git.Commit is { } c ? c[..Math.Min(12, c.Length)] + (run.Git.Dirty ? "+dirty" : "") : "uncommitted";
            runIncoming.Add(new LineageEdgeFrom(Add(new NewLineageNode(NodeType.Artifact, "code", label, run.Git.Diff, id, at, attributes, [])), Relation.Used, "code"));
        }
        if (run.Environment is { } env)
            runIncoming.Add(new LineageEdgeFrom(Add(new NewLineageNode(NodeType.Artifact, "env", "env:" + env.Short, env, id, at, null, [])), Relation.Used, "env"));
        var agent = agentNode ?? Add(new NewLineageNode(NodeType.Agent, "user", $"{run.User}@{run.Host}", null, null, at, null, []));
        runIncoming.Add(new LineageEdgeFrom(agent, Relation.Associated));

        // Keys follow docs/lineage.md, so diff, recovery and the exports can read any run.
        var runAttributes = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["name"] = run.Name,
            ["stage"] = detail.Tags.TryGetValue("keel.stage", out var stage) ? stage : run.Name,
            ["experiment"] = run.Experiment,
            ["status"] = RunStatusNames.Name(run.Status),
            ["command"] = run.Command,
            ["seed"] = run.Seed,
            ["params"] = detail.Params,
            ["recipe"] = detail.Tags.TryGetValue("keel.recipe", out var recipe) ? recipe : null,
            ["executor"] = detail.Tags.TryGetValue("keel.executor", out var executor) ? executor : null,
            ["git_commit"] = run.Git.Commit,
            ["git_branch"] = run.Git.Branch,
            ["git_remote"] = run.Git.Remote,
            ["git_dirty"] = run.Git.Dirty,
            ["git_diff"] = run.Git.Diff?.ToString(),
            ["env"] = run.Environment?.ToString(),
        });
        var runIndex = nodes.Count;
        // Labelled by name (a stage's name, an exec's --name), as docs/lineage.md says; run:ID
        // references resolve through the run id column, not the label.
        var runRef = Add(new NewLineageNode(NodeType.Run, run.Kind, run.Name, null, id, at, runAttributes, runIncoming));
        foreach (var output in detail.Outputs)
        {
            var outputAttributes = JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["path"] = output.Name,
                ["type"] = output.IsManifest ? "directory" : "file",
                ["bytes"] = output.Bytes,
            });
            nodes.Add(new NewLineageNode(NodeType.Artifact, output.Kind, output.Name, output.Digest, id, at, outputAttributes,
                [new LineageEdgeFrom(runRef, Relation.Generated)]));
        }
        return (nodes, runIndex);
    }

    private static readonly string[] CodeExtensions = [".cs", ".csproj", ".py", ".r", ".sh", ".sql", ".ipynb", ".js", ".ts", ".java", ".scala", ".go", ".rs", ".props", ".dll"];

    /// <summary>Inputs no run produced: code by extension or folder name, everything else data.</summary>
    private static string InputKind(RunInput input)
    {
        var ext = Path.GetExtension(input.Ref).ToLowerInvariant();
        return CodeExtensions.Contains(ext) || input.Ref.Split('/').Any(p => p is "src" or "scripts") ? "code" : "data";
    }
}
