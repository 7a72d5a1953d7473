namespace Keel.Lineage;

/// <summary>The answer of a lineage query: the start node first, then what was found, each with its hop count.</summary>
public sealed class LineageView
{
    private readonly HashSet<int> _members;

    public LineageView(LineageIndex index, int root, LineageDirection direction, IReadOnlyList<int> nodes, IReadOnlyList<int> depths)
    {
        Index = index;
        Root = root;
        Direction = direction;
        Nodes = nodes;
        Depths = depths;
        _members = [.. nodes];
    }

    public LineageIndex Index { get; }

    public int Root { get; }

    public LineageDirection Direction { get; }

    public IReadOnlyList<int> Nodes { get; }

    public IReadOnlyList<int> Depths { get; }

    public bool Contains(int node) => _members.Contains(node);

    /// <summary>Runs a walk and keeps the start plus the nodes whose kind or type is in <paramref name="kinds"/> (all when empty).</summary>
    public static LineageView Query(LineageIndex index, int root, LineageDirection direction, int maxDepth, IReadOnlyCollection<string> kinds, long asOfMs)
    {
        var walk = new LineageTraversal(index);
        walk.Walk(root, direction, maxDepth, asOfMs);
        var nodes = new List<int>(walk.Found.Length);
        var depths = new List<int>(walk.Found.Length);
        var found = walk.Found;
        for (var i = 0; i < found.Length; i++)
        {
            var n = found[i];
            if (i > 0 && kinds.Count > 0 && !kinds.Contains(index.KindOf(n)) && !kinds.Contains(index.TypeOf(n).ToString().ToLowerInvariant())) continue;
            nodes.Add(n);
            depths.Add(walk.DepthAt(i));
        }
        return new LineageView(index, root, direction, nodes, depths);
    }

    /// <summary>Edges whose both ends are in the view, as (from, to, relation, role).</summary>
    public IEnumerable<(int From, int To, Relation Relation, string? Role)> Edges()
    {
        foreach (var n in Nodes.Order())
            foreach (var (from, rel, role) in Index.InEdges(n))
                if (_members.Contains(from)) yield return (from, n, rel, role);
    }

    /// <summary>Node counts per kind.</summary>
    public IReadOnlyDictionary<string, int> CountsByKind() =>
        Nodes.GroupBy(Index.KindOf).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count());

    /// <summary>A smaller view of the nearest levels holding at most <paramref name="maxNodes"/> nodes.</summary>
    public LineageView Nearest(int maxNodes)
    {
        var perDepth = Depths.GroupBy(d => d).OrderBy(g => g.Key).Select(g => (Depth: g.Key, Count: g.Count())).ToList();
        var keep = 0;
        var total = 0;
        foreach (var (depth, count) in perDepth)
        {
            if (total + count > maxNodes) break;
            total += count;
            keep = depth;
        }
        var nodes = new List<int>();
        var depths = new List<int>();
        for (var i = 0; i < Nodes.Count; i++)
        {
            if (Depths[i] > keep) continue;
            nodes.Add(Nodes[i]);
            depths.Add(Depths[i]);
        }
        return new LineageView(Index, Root, Direction, nodes, depths);
    }
}
