namespace Keel.Lineage;

/// <summary>One field that differs between two histories, for one stage.</summary>
public sealed record FieldChange(string Field, string? A, string? B);

/// <summary>How one stage differs: the run compared on each side (null when the stage ran on one side only) and what changed.</summary>
public sealed record StageDiff(string Stage, string? RunA, string? RunB, IReadOnlyList<FieldChange> Changes);

/// <summary>
/// Compares the build histories of two artifacts stage by stage: for each stage, the newest
/// run of it upstream of each artifact, by command, code (commit and diff), params, inputs,
/// environment and seed; plus the raw sources each history starts from.
/// </summary>
public static class LineageDiff
{
    public static (IReadOnlyList<StageDiff> Stages, IReadOnlyList<FieldChange> Sources) Compare(LineageGraph a, LineageGraph b)
    {
        var stagesA = LatestRunPerStage(a);
        var stagesB = LatestRunPerStage(b);
        var result = new List<StageDiff>();
        foreach (var stage in stagesA.Keys.Union(stagesB.Keys).Order(StringComparer.Ordinal))
        {
            stagesA.TryGetValue(stage, out var ra);
            stagesB.TryGetValue(stage, out var rb);
            var changes = new List<FieldChange>();
            if (ra is null || rb is null)
            {
                changes.Add(new FieldChange("stage", ra?.Label, rb?.Label));
                result.Add(new StageDiff(stage, ra?.Label, rb?.Label, changes));
                continue;
            }
            var x = RunAttributes.Parse(ra.Attributes);
            var y = RunAttributes.Parse(rb.Attributes);
            Add(changes, "command", x.Command, y.Command);
            Add(changes, "git_commit", x.GitCommit, y.GitCommit);
            Add(changes, "git_diff", x.GitDiff?.ToString(), y.GitDiff?.ToString());
            Add(changes, "env", x.Env?.ToString(), y.Env?.ToString());
            Add(changes, "seed", x.Seed, y.Seed);
            foreach (var key in x.Params.Keys.Union(y.Params.Keys).Order(StringComparer.Ordinal))
                Add(changes, $"params.{key}", x.Params.GetValueOrDefault(key), y.Params.GetValueOrDefault(key));
            var inA = Inputs(a, ra.Id);
            var inB = Inputs(b, rb.Id);
            foreach (var role in inA.Keys.Union(inB.Keys).Order(StringComparer.Ordinal))
                Add(changes, $"inputs.{role}", inA.GetValueOrDefault(role), inB.GetValueOrDefault(role));
            result.Add(new StageDiff(stage, $"{ra.Label}#{ra.Id}", $"{rb.Label}#{rb.Id}", changes));
        }
        var sources = new List<FieldChange>();
        var srcA = RawSources(a);
        var srcB = RawSources(b);
        foreach (var name in srcA.Keys.Union(srcB.Keys).Order(StringComparer.Ordinal))
            Add(sources, name, srcA.GetValueOrDefault(name), srcB.GetValueOrDefault(name));
        return (result, sources);
    }

    /// <summary>The stage of a run: its <c>stage</c> attribute, else its label.</summary>
    public static string StageOf(LineageNode run) => RunAttributes.Parse(run.Attributes).Stage ?? run.Label;

    private static Dictionary<string, LineageNode> LatestRunPerStage(LineageGraph g)
    {
        var d = new Dictionary<string, LineageNode>(StringComparer.Ordinal);
        foreach (var n in g.Nodes)
            if (n.Type == NodeType.Run) d[StageOf(n)] = n; // id order: the last one wins
        return d;
    }

    private static Dictionary<string, string> Inputs(LineageGraph g, long run)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var e in g.Edges)
        {
            if (e.To != run || e.Relation != Relation.Used || g.Find(e.From) is not { } a) continue;
            var role = e.Role ?? OpenLineageExporter.DatasetName(a);
            d[role] = $"{a.Label} {a.Digest?.Short ?? "-"}";
        }
        return d;
    }

    private static Dictionary<string, string> RawSources(LineageGraph g)
    {
        var generated = g.Edges.Where(e => e.Relation == Relation.Generated).Select(e => e.To).ToHashSet();
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var n in g.Nodes)
            if (n.Type == NodeType.Artifact && !generated.Contains(n.Id))
                d[OpenLineageExporter.DatasetName(n)] = $"{n.Label} {n.Digest?.Short ?? "-"}";
        return d;
    }

    private static void Add(List<FieldChange> changes, string field, string? a, string? b)
    {
        if (!string.Equals(a, b, StringComparison.Ordinal)) changes.Add(new FieldChange(field, a, b));
    }
}
