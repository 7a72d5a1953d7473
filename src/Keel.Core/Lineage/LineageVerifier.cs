using Keel.Objects;
using Keel.Workspaces;

namespace Keel.Lineage;

/// <summary>One node where stored bytes or records no longer match.</summary>
public sealed record LineageProblem(long NodeId, string Label, string Kind, string Problem);

/// <summary>The lineage log as a verification found it: its length, its head, the entry the workspace's anchor file names, and the run id its first entry seals (which tells one workspace's log from another's).</summary>
public sealed record LineageLogState(long Entries, Digest? Head, long? AnchoredSeq, string? FirstRun);

/// <summary>What <c>keel verify-lineage</c> found, problems in topological order (log problems first).</summary>
/// <param name="LateSealed">Runs of the closure recorded before Keel sealed lineage, sealed after the fact at <paramref name="LateSealedAt"/>.</param>
public sealed record LineageVerification(int Nodes, int Runs, int ObjectsChecked, long BytesChecked, LineageLogState Log, int LateSealed, DateTimeOffset? LateSealedAt, IReadOnlyList<LineageProblem> Problems)
{
    public bool Intact => Problems.Count == 0;
}

/// <summary>
/// Checks the lineage log's chain end to end and against the workspace's anchor, recomputes the
/// lineage roots upstream of a node and compares each with the root sealed when the run was
/// recorded, and re-hashes every stored object the closure names. Never writes.
/// </summary>
public sealed class LineageVerifier(Workspace workspace, LineageIndex index)
{
    public async Task<LineageVerification> VerifyAsync(int node, long asOfMs, CancellationToken cancellationToken)
    {
        var graph = await LineageClosure.UpstreamAsync(workspace.Metadata, index, node, asOfMs, cancellationToken).ConfigureAwait(false);
        var runIds = graph.Nodes.Where(n => n.Type == NodeType.Run).Select(n => n.Id).ToHashSet();
        var problems = new List<LineageProblem>();
        var seals = new Dictionary<long, LineageSeal>();
        var log = await CheckLogAsync(runIds, seals, problems, cancellationToken).ConfigureAwait(false);

        var roots = LineageRoots.Compute(graph, id => seals.TryGetValue(id, out var s) ? s.OutputsUpTo : long.MaxValue);
        var objects = new ObjectCheck(workspace.Objects);
        var late = new List<DateTimeOffset>();
        foreach (var n in graph.Nodes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var p in ObjectProblems(n, objects)) problems.Add(new LineageProblem(n.Id, n.Label, n.Kind, p));
            if (n.Type != NodeType.Run) continue;
            if (!seals.TryGetValue(n.Id, out var seal))
            {
                problems.Add(new LineageProblem(n.Id, n.Label, n.Kind,
                    "no lineage root was sealed for this run: its lineage log entry was deleted, or the run was written into the database by hand"));
                continue;
            }
            if (seal.Late) late.Add(seal.SealedAt);
            var computed = roots[n.Id];
            if (computed != seal.Root)
                problems.Add(new LineageProblem(n.Id, n.Label, n.Kind,
                    $"lineage root changed: sealed {seal.Root.Short} (log entry {seal.Seq}), recomputed {computed.Short} (its records, params, edges, inputs or outputs were altered)"));
        }
        var ordered = problems.OrderBy(p => p.NodeId).ToList();
        return new LineageVerification(graph.Nodes.Count, runIds.Count, objects.Checked, objects.Bytes, log, late.Count, late.Count == 0 ? null : late.Max(), ordered);
    }

    /// <summary>Walks the whole log: every head must chain from the one before, sequence numbers must not skip, every entry's run must exist, and the log must reach the anchored entry with the anchored head.</summary>
    private async Task<LineageLogState> CheckLogAsync(HashSet<long> runIds, Dictionary<long, LineageSeal> seals, List<LineageProblem> problems, CancellationToken cancellationToken)
    {
        var anchor = new LineageHeadAnchor(Path.Combine(workspace.KeelDir, LineageHeadAnchor.FileName));
        var anchored = anchor.Read();
        Digest? head = null;
        Digest? headAtAnchor = null;
        long expected = 1;
        long entries = 0;
        long? firstNode = null;
        await foreach (var (seal, present) in workspace.Metadata.LineageCatalog.SealLogAsync(cancellationToken).ConfigureAwait(false))
        {
            entries++;
            if (seal.Seq == 1) firstNode = seal.NodeId;
            if (seal.Seq != expected)
                problems.Add(LogProblem(seal.NodeId, seal.Seq > expected
                    ? $"lineage log entries {expected} to {seal.Seq - 1} are missing: they were deleted from the log"
                    : $"lineage log entry {seal.Seq} is out of order"));
            else if (!seal.Follows(head))
                problems.Add(LogProblem(seal.NodeId, $"lineage log entry {seal.Seq} (run node {seal.NodeId}) was altered: its head does not chain from the entry before it"));
            if (!present)
                problems.Add(LogProblem(seal.NodeId, $"lineage log entry {seal.Seq} seals run node {seal.NodeId}, which is no longer in the graph: the run was deleted"));
            if (runIds.Contains(seal.NodeId)) seals[seal.NodeId] = seal;
            head = seal.Head;
            expected = seal.Seq + 1;
            if (anchored is { } a && seal.Seq == a.Seq) headAtAnchor = seal.Head;
        }
        if (anchored is { } at)
        {
            if (expected - 1 < at.Seq)
                problems.Add(LogProblem(0, $"the lineage log ends at entry {expected - 1} but {anchor.File} records entry {at.Seq}: the newest entries (and the runs they sealed) were deleted"));
            else if (headAtAnchor != at.Head)
                problems.Add(LogProblem(0, $"lineage log entry {at.Seq} does not have the head {anchor.File} records ({at.Head.Short}): the log was rewritten"));
        }
        string? firstRun = null;
        if (firstNode is { } f)
            firstRun = (await workspace.Metadata.LineageCatalog.GetManyAsync([f], cancellationToken).ConfigureAwait(false)).FirstOrDefault()?.RunId;
        return new LineageLogState(entries, head, anchored?.Seq, firstRun);
    }

    private static LineageProblem LogProblem(long nodeId, string problem) => new(nodeId, "lineage log", "log", problem);

    internal static IEnumerable<string> ObjectProblems(LineageNode n, ObjectCheck objects)
    {
        if (IsExternal(n)) yield break;
        if (n.Type == NodeType.Artifact && n.Digest is { } d && objects.Problem(d) is { } p) yield return p;
        if (n.Type != NodeType.Run) yield break;
        var attrs = RunAttributes.Parse(n.Attributes);
        if (attrs.GitDiff is { } diff && objects.Problem(diff) is { } pd) yield return $"git diff: {pd}";
        if (attrs.Env is { } env && objects.Problem(env) is { } pe) yield return $"environment: {pe}";
    }

    /// <summary>Nodes imported from another tool name bytes Keel never stored.</summary>
    internal static bool IsExternal(LineageNode n) => RunAttributes.Text(n.Attributes, "external") == "true";
}
