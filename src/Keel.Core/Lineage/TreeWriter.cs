using System.Text;

namespace Keel.Lineage;

/// <summary>A lineage view as an indented tree; a node reached again is shown once and then referred to.</summary>
public static class TreeWriter
{
    public static string Write(LineageView view, Func<int, string>? detail = null)
    {
        var (shown, note) = GraphWriters.Fit(view);
        var sb = new StringBuilder();
        var seen = new HashSet<int>();
        var ix = view.Index;
        var directions = view.Direction == LineageDirection.Both ? new[] { LineageDirection.Up, LineageDirection.Down } : [view.Direction];
        sb.Append(Line(ix, view.Root, detail)).Append('\n');
        foreach (var dir in directions)
        {
            if (view.Direction == LineageDirection.Both) sb.Append(dir == LineageDirection.Up ? "upstream:\n" : "downstream:\n");
            seen.Clear();
            seen.Add(view.Root);
            Children(sb, shown, dir, view.Root, "", seen, detail);
        }
        if (note is not null) sb.Append("… ").Append(note).Append('\n');
        return sb.ToString();
    }

    private static void Children(StringBuilder sb, LineageView view, LineageDirection dir, int node, string indent, HashSet<int> seen, Func<int, string>? detail)
    {
        var ix = view.Index;
        var next = (dir == LineageDirection.Up
                ? ix.InEdges(node).Select(e => (Node: e.From, e.Relation, e.Role))
                : ix.OutEdges(node).Select(e => (Node: e.To, e.Relation, e.Role)))
            .Where(e => view.Contains(e.Node)).ToList();
        for (var i = 0; i < next.Count; i++)
        {
            var (n, rel, role) = next[i];
            var last = i == next.Count - 1;
            sb.Append(indent).Append(last ? "└─" : "├─").Append(GraphWriters.Name(rel)).Append(role is null ? "" : $"({role})").Append(' ');
            if (!seen.Add(n))
            {
                sb.Append(ix.LabelOf(n)).Append(" (see above)\n");
                continue;
            }
            sb.Append(Line(ix, n, detail)).Append('\n');
            Children(sb, view, dir, n, indent + (last ? "  " : "│ "), seen, detail);
        }
    }

    private static string Line(LineageIndex ix, int n, Func<int, string>? detail) =>
        $"{ix.LabelOf(n)} [{ix.KindOf(n)}]{(detail is null ? "" : " " + detail(n))}";
}
