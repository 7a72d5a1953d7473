using System.Text;
using Keel.Objects;

namespace Keel.Lineage;

/// <summary>
/// Lineage roots: per run, BLAKE3 over its recipe digest, its attribute record, its inputs
/// (role, digest and the input's own root) and its outputs (role, digest). An input generated
/// by a run inherits that run's root; a raw artifact's root is its digest. Changing any byte or
/// record upstream changes every root below it.
/// </summary>
public static class LineageRoots
{
    private const string Header = "keel-lineage-root 1\n";

    /// <summary>
    /// Computes the roots of every run in <paramref name="graph"/> in id order. The graph must hold
    /// each run's inputs, outputs and the runs that generated those inputs (an upstream closure
    /// plus outputs does).
    /// </summary>
    public static Dictionary<long, Digest> Compute(LineageGraph graph)
    {
        var incoming = graph.Edges.ToLookup(e => e.To);
        var outgoing = graph.Edges.ToLookup(e => e.From);
        var roots = new Dictionary<long, Digest>();
        foreach (var node in graph.Nodes)
        {
            if (node.Type != NodeType.Run) continue;
            roots[node.Id] = RootOf(node, incoming, outgoing, graph, roots);
        }
        return roots;
    }

    /// <summary>The root an artifact contributes as an input: its generator's root, else its digest.</summary>
    public static string ArtifactRoot(LineageNode artifact, ILookup<long, LineageEdge> incoming, IReadOnlyDictionary<long, Digest> runRoots)
    {
        foreach (var e in incoming[artifact.Id])
            if (e.Relation == Relation.Generated && runRoots.TryGetValue(e.From, out var r)) return r.ToString();
        return artifact.Digest?.ToString() ?? "-";
    }

    private static Digest RootOf(LineageNode run, ILookup<long, LineageEdge> incoming, ILookup<long, LineageEdge> outgoing, LineageGraph graph, Dictionary<long, Digest> roots)
    {
        var attrs = RunAttributes.Parse(run.Attributes);
        var sb = new StringBuilder(Header);
        sb.Append("recipe ").Append(attrs.Recipe?.ToString() ?? "-").Append('\n');
        sb.Append("record ").Append(ContentHasher.Hash(Encoding.UTF8.GetBytes($"{run.Kind}\n{run.Label}\n{run.RunId}\n{run.Attributes}"))).Append('\n');
        var inputs = new List<string>();
        foreach (var e in incoming[run.Id])
        {
            if (e.Relation != Relation.Used) continue;
            var a = graph.Find(e.From);
            if (a is null) continue;
            inputs.Add($"in {e.Role ?? "-"} {a.Digest?.ToString() ?? "-"} {ArtifactRoot(a, incoming, roots)}\n");
        }
        var outputs = new List<string>();
        foreach (var e in outgoing[run.Id])
        {
            if (e.Relation != Relation.Generated) continue;
            var a = graph.Find(e.To);
            if (a is null) continue;
            outputs.Add($"out {e.Role ?? "-"} {a.Digest?.ToString() ?? "-"}\n");
        }
        inputs.Sort(StringComparer.Ordinal);
        outputs.Sort(StringComparer.Ordinal);
        foreach (var s in inputs) sb.Append(s);
        foreach (var s in outputs) sb.Append(s);
        return ContentHasher.Hash(Encoding.UTF8.GetBytes(sb.ToString()));
    }
}
