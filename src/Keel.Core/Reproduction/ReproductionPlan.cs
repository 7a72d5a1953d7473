using Keel.Lineage;
using Keel.Objects;

namespace Keel.Reproduction;

/// <summary>An artifact a step read or wrote, as recorded: label, workspace path, digest.</summary>
public sealed record RecordedArtifact(long Node, string Label, string Kind, string? Path, Digest? Digest, bool IsDirectory, string? Role);

/// <summary>One recorded run to replay: its command, code, seed, params and what it read and wrote.</summary>
public sealed record RecordedStep(
    long Node,
    string RunId,
    string Kind,
    string Stage,
    string? Command,
    string? Seed,
    string? GitCommit,
    Digest? GitDiff,
    Digest? Environment,
    IReadOnlyDictionary<string, string> Params,
    IReadOnlyList<RecordedArtifact> Inputs,
    IReadOnlyList<RecordedArtifact> Outputs)
{
    /// <summary>The code state a step runs in: commit plus diff.</summary>
    public string CodeKey => $"{GitCommit ?? "none"}+{GitDiff?.ToString() ?? "clean"}";
}

/// <summary>
/// What a reproduction replays, read from the lineage graph alone: the subject, the runs upstream
/// of it in topological (id) order, and the raw inputs (upstream artifacts no run generated).
/// </summary>
public sealed record ReproductionPlan(LineageNode Subject, IReadOnlyList<RecordedStep> Steps, IReadOnlyList<RecordedArtifact> RawInputs, LineageGraph Graph)
{
    /// <summary>Run kinds that check or move artifacts rather than make them; never replayed.</summary>
    public static readonly IReadOnlySet<string> NotReplayed = new HashSet<string>(StringComparer.Ordinal) { "reproduce", "verify", "deploy", "monitor" };

    public static ReproductionPlan Build(LineageGraph graph, LineageNode subject)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(subject);
        var incoming = graph.Edges.ToLookup(e => e.To);
        var outgoing = graph.Edges.ToLookup(e => e.From);
        // A run that is never replayed (a monitor snapshot of production data, a deploy) is where the replay starts: what it
        // generated is a recorded input taken from the store, and the history behind it is not replayed.
        var upstream = BillOfMaterials.UpstreamIds(graph, subject.Id, incoming, n => n.Type == NodeType.Run && NotReplayed.Contains(n.Kind));
        var steps = new List<RecordedStep>();
        foreach (var run in graph.Nodes.Where(n => n.Type == NodeType.Run && upstream.Contains(n.Id) && !NotReplayed.Contains(n.Kind)))
        {
            var a = RunAttributes.Parse(run.Attributes);
            var inputs = incoming[run.Id].Where(e => e.Relation == Relation.Used)
                .Select(e => (Node: graph.Find(e.From), e.Role)).Where(x => x.Node is not null && PathOf(x.Node) is not null)
                .Select(x => Artifact(x.Node!, x.Role)).ToList();
            var outputs = outgoing[run.Id].Where(e => e.Relation == Relation.Generated)
                .Select(e => graph.Find(e.To)).OfType<LineageNode>().Select(n => Artifact(n, null)).ToList();
            steps.Add(new RecordedStep(run.Id, run.RunId ?? run.Label, run.Kind, a.Stage ?? run.Label, a.Command, a.Seed, a.GitCommit, a.GitDiff, a.Env,
                a.Params, inputs, outputs));
        }
        var raw = graph.Nodes
            .Where(n => upstream.Contains(n.Id) && n.Type == NodeType.Artifact && n.Id != subject.Id && PathOf(n) is not null)
            .Where(n => !incoming[n.Id].Any(e => e.Relation == Relation.Generated && upstream.Contains(e.From)))
            .Select(n => Artifact(n, null)).ToList();
        return new ReproductionPlan(subject, steps, raw, graph);
    }

    /// <summary>The step that generated the subject (the subject itself when it is a run), or null.</summary>
    public RecordedStep? Producer =>
        Steps.FirstOrDefault(s => s.Node == Subject.Id) ?? Steps.LastOrDefault(s => s.Outputs.Any(o => o.Node == Subject.Id));

    private static string? PathOf(LineageNode n) => RunAttributes.Text(n.Attributes, "path");

    internal static RecordedArtifact Artifact(LineageNode n, string? role) =>
        new(n.Id, n.Label, n.Kind, PathOf(n), n.Digest, RunAttributes.Text(n.Attributes, "type") == "directory", role);
}
