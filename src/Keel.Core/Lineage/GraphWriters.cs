using System.Text;

namespace Keel.Lineage;

/// <summary>DOT and Mermaid renderings of a view; a view over the size limit is cut to its nearest levels with a note saying what was left out.</summary>
public static class GraphWriters
{
    /// <summary>Above this many nodes, a drawing shows only the nearest levels and a summary.</summary>
    public const int DrawLimit = 2000;

    public static string Dot(LineageView view)
    {
        var (shown, note) = Fit(view);
        var sb = new StringBuilder("digraph lineage {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n");
        foreach (var n in shown.Nodes)
        {
            var shape = view.Index.TypeOf(n) switch { NodeType.Run => "box", NodeType.Agent => "house", _ => "ellipse" };
            var style = n == view.Root ? ", style=bold, penwidth=2" : "";
            sb.Append($"  n{view.Index.IdOf(n)} [label=\"{Esc(view.Index.LabelOf(n))}\\n{Esc(view.Index.KindOf(n))}\", shape={shape}{style}];\n");
        }
        foreach (var (from, to, rel, role) in shown.Edges())
            sb.Append($"  n{view.Index.IdOf(from)} -> n{view.Index.IdOf(to)} [label=\"{Name(rel)}{(role is null ? "" : ":" + Esc(role))}\"];\n");
        if (note is not null) sb.Append($"  summary [shape=note, label=\"{Esc(note)}\"];\n");
        sb.Append("}\n");
        return sb.ToString();
    }

    public static string Mermaid(LineageView view)
    {
        var (shown, note) = Fit(view);
        var sb = new StringBuilder("flowchart LR\n");
        foreach (var n in shown.Nodes)
        {
            var label = MermaidText($"{view.Index.LabelOf(n)} ({view.Index.KindOf(n)})");
            var id = $"n{view.Index.IdOf(n)}";
            sb.Append(view.Index.TypeOf(n) switch
            {
                NodeType.Run => $"  {id}[\"{label}\"]\n",
                NodeType.Agent => $"  {id}{{{{\"{label}\"}}}}\n",
                _ => $"  {id}([\"{label}\"])\n",
            });
        }
        foreach (var (from, to, rel, _) in shown.Edges())
            sb.Append($"  n{view.Index.IdOf(from)} -->|{Name(rel)}| n{view.Index.IdOf(to)}\n");
        if (note is not null) sb.Append($"  summary[\"{MermaidText(note)}\"]\n");
        return sb.ToString();
    }

    /// <summary>The view itself, or its nearest levels and a line counting what was left out.</summary>
    public static (LineageView Shown, string? Note) Fit(LineageView view)
    {
        if (view.Nodes.Count <= DrawLimit) return (view, null);
        var near = view.Nearest(DrawLimit);
        var counts = string.Join(", ", view.CountsByKind().Select(kv => $"{kv.Value} {kv.Key}"));
        var deepest = near.Depths.Count == 0 ? 0 : near.Depths.Max();
        return (near, $"{view.Nodes.Count} nodes in all ({counts}); showing the {near.Nodes.Count} within {deepest} hops");
    }

    public static string Name(Relation r) => r switch
    {
        Relation.Used => "used",
        Relation.Generated => "generated",
        Relation.Derived => "derived",
        _ => "associated",
    };

    private static string Esc(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    private static string MermaidText(string s) => s.Replace("\"", "#quot;", StringComparison.Ordinal);
}
