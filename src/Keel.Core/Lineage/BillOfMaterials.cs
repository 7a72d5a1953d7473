using System.Text.Json.Nodes;
using Keel.Objects;

namespace Keel.Lineage;

/// <summary>
/// <c>bom.json</c>: the raw data (upstream artifacts no run generated), the training data (the
/// inputs of the run that generated the subject, by role) and the build procedure (every
/// upstream run in topological order with command, code, params, environment and seed).
/// </summary>
public static class BillOfMaterials
{
    public static JsonObject Build(LineageGraph graph, LineageNode subject, IReadOnlyDictionary<long, Digest> roots, DateTimeOffset? asOf)
    {
        var incoming = graph.Edges.ToLookup(e => e.To);
        var outgoing = graph.Edges.ToLookup(e => e.From);
        var upstream = UpstreamIds(graph, subject.Id, incoming);
        var generator = subject.Type == NodeType.Run
            ? subject
            : incoming[subject.Id].Where(e => e.Relation == Relation.Generated).Select(e => graph.Find(e.From)).LastOrDefault();
        var raw = new JsonArray();
        foreach (var n in graph.Nodes.Where(n => upstream.Contains(n.Id) && n.Type == NodeType.Artifact && n.Id != subject.Id))
            if (!incoming[n.Id].Any(e => e.Relation == Relation.Generated)) raw.Add(Artifact(n, null));
        var training = new JsonArray();
        if (generator is not null)
            foreach (var e in incoming[generator.Id].Where(e => e.Relation == Relation.Used))
                if (graph.Find(e.From) is { } a) training.Add(Artifact(a, e.Role));
        var steps = new JsonArray();
        var k = 0;
        foreach (var run in graph.Nodes.Where(n => n.Type == NodeType.Run && upstream.Contains(n.Id)))
        {
            var attrs = RunAttributes.Parse(run.Attributes);
            steps.Add(new JsonObject
            {
                ["step"] = ++k,
                ["node"] = run.Id,
                ["run_id"] = run.RunId,
                ["kind"] = run.Kind,
                ["stage"] = attrs.Stage ?? run.Label,
                ["command"] = attrs.Command,
                ["git_commit"] = attrs.GitCommit,
                ["git_diff"] = attrs.GitDiff?.ToString(),
                ["params"] = new JsonObject(attrs.Params.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
                ["env"] = attrs.Env?.ToString(),
                ["seed"] = attrs.Seed,
                ["recipe"] = attrs.Recipe?.ToString(),
                ["lineage_root"] = roots.TryGetValue(run.Id, out var r) ? r.ToString() : null,
                ["started_at"] = run.CreatedAt,
                ["inputs"] = new JsonArray(incoming[run.Id].Where(e => e.Relation == Relation.Used).Select(e => graph.Find(e.From)).OfType<LineageNode>()
                    .Select(a => (JsonNode)Artifact(a, incoming[run.Id].First(x => x.From == a.Id).Role)).ToArray()),
                ["outputs"] = new JsonArray(outgoing[run.Id].Where(e => e.Relation == Relation.Generated).Select(e => graph.Find(e.To)).OfType<LineageNode>()
                    .Select(a => (JsonNode)Artifact(a, outgoing[run.Id].First(x => x.To == a.Id).Role)).ToArray()),
            });
        }
        return new JsonObject
        {
            ["format"] = "keel-bom 1",
            ["subject"] = Artifact(subject, null),
            ["as_of"] = asOf,
            ["generated_by"] = generator?.Id,
            ["raw_data"] = raw,
            ["training_data"] = training,
            ["build"] = steps,
        };
    }

    /// <summary>
    /// The subject and everything it came from (the graph may also hold sibling outputs); nodes matching
    /// <paramref name="stopAt"/> are left out, and so is what lies beyond them.
    /// </summary>
    public static HashSet<long> UpstreamIds(LineageGraph graph, long subject, ILookup<long, LineageEdge> incoming, Func<LineageNode, bool>? stopAt = null)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(incoming);
        var seen = new HashSet<long> { subject };
        var stack = new Stack<long>([subject]);
        while (stack.Count > 0)
            foreach (var e in incoming[stack.Pop()])
            {
                if (seen.Contains(e.From)) continue;
                if (stopAt is not null && graph.Find(e.From) is { } n && stopAt(n)) continue;
                seen.Add(e.From);
                stack.Push(e.From);
            }
        return seen;
    }

    private static JsonObject Artifact(LineageNode n, string? role) => new()
    {
        ["node"] = n.Id,
        ["label"] = n.Label,
        ["type"] = n.Type.ToString().ToLowerInvariant(),
        ["kind"] = n.Kind,
        ["role"] = role,
        ["digest"] = n.Digest?.ToString(),
        ["path"] = RunAttributes.Text(n.Attributes, "path"),
        ["created_at"] = n.CreatedAt,
    };
}
