using Keel.Objects;
using Keel.Workspaces;

namespace Keel.Lineage;

/// <summary>One node where stored bytes or records no longer match.</summary>
public sealed record LineageProblem(long NodeId, string Label, string Kind, string Problem);

/// <summary>What <c>keel verify-lineage</c> found, problems in topological order.</summary>
public sealed record LineageVerification(int Nodes, int Runs, int ObjectsChecked, long BytesChecked, int RootsStored, IReadOnlyList<LineageProblem> Problems)
{
    public bool Intact => Problems.Count == 0;
}

/// <summary>
/// Recomputes the lineage roots upstream of a node, compares them with the stored ones (storing
/// those never computed), and re-hashes every stored object the closure names.
/// </summary>
public sealed class LineageVerifier(Workspace workspace, LineageIndex index)
{
    public async Task<LineageVerification> VerifyAsync(int node, long asOfMs, CancellationToken cancellationToken)
    {
        var graph = await LineageClosure.UpstreamAsync(workspace.Metadata, index, node, asOfMs, cancellationToken).ConfigureAwait(false);
        var roots = LineageRoots.Compute(graph);
        var objects = new ObjectCheck(workspace.Objects);
        var problems = new List<LineageProblem>();
        var toStore = new List<(long, Digest)>();
        var runs = 0;
        foreach (var n in graph.Nodes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var p in ObjectProblems(n, objects)) problems.Add(new LineageProblem(n.Id, n.Label, n.Kind, p));
            if (n.Type != NodeType.Run) continue;
            runs++;
            var computed = roots[n.Id];
            var stored = await workspace.Metadata.LineageCatalog.GetRootAsync(n.Id, cancellationToken).ConfigureAwait(false);
            if (stored is null) toStore.Add((n.Id, computed));
            else if (stored.Value != computed)
                problems.Add(new LineageProblem(n.Id, n.Label, n.Kind,
                    $"lineage root changed: stored {stored.Value.Short}, recomputed {computed.Short} (its records, inputs or outputs were altered)"));
        }
        // Only roots of an intact closure are worth keeping as the reference for later checks.
        if (problems.Count == 0) await workspace.Metadata.LineageCatalog.StoreRootsAsync(toStore, cancellationToken).ConfigureAwait(false);
        var ordered = problems.OrderBy(p => p.NodeId).ToList();
        return new LineageVerification(graph.Nodes.Count, runs, objects.Checked, objects.Bytes, problems.Count == 0 ? toStore.Count : 0, ordered);
    }

    /// <summary>Stores the roots of every run upstream of <paramref name="node"/> not stored yet (writers call this once a run's outputs are recorded).</summary>
    public static async Task<int> StoreRootsAsync(Workspace workspace, LineageIndex index, int node, CancellationToken cancellationToken)
    {
        var graph = await LineageClosure.UpstreamAsync(workspace.Metadata, index, node, long.MaxValue, cancellationToken).ConfigureAwait(false);
        var roots = LineageRoots.Compute(graph).Select(kv => (kv.Key, kv.Value)).ToList();
        await workspace.Metadata.LineageCatalog.StoreRootsAsync(roots, cancellationToken).ConfigureAwait(false);
        return roots.Count;
    }

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
