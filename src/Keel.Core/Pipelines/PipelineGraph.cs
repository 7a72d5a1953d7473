using System.Text;

namespace Keel.Pipelines;

/// <summary>
/// The stages as a DAG: B depends on A when one of B's inputs is, is inside, or contains one
/// of A's outputs. Construction validates: duplicate or nested outputs, cycles, missing inputs.
/// </summary>
public sealed class PipelineGraph
{
    private readonly Dictionary<string, List<string>> _upstream;
    private readonly Dictionary<string, List<string>> _downstream;

    private PipelineGraph(PipelineDefinition pipeline, Dictionary<string, List<string>> upstream, List<StageDefinition> order)
    {
        Pipeline = pipeline;
        _upstream = upstream;
        _downstream = pipeline.Stages.ToDictionary(s => s.Name, _ => new List<string>());
        foreach (var (stage, ups) in upstream)
            foreach (var u in ups) _downstream[u].Add(stage);
        Order = order;
    }

    public PipelineDefinition Pipeline { get; }

    /// <summary>Stages in a dependency order (file order where free).</summary>
    public IReadOnlyList<StageDefinition> Order { get; }

    public IReadOnlyList<string> Upstream(string stage) => _upstream[stage];

    public IReadOnlyList<string> Downstream(string stage) => _downstream[stage];

    /// <param name="exists">Whether a workspace path exists now (for inputs no stage produces).</param>
    public static PipelineGraph Build(PipelineDefinition pipeline, Func<string, bool> exists)
    {
        var producers = new Dictionary<string, (StageDefinition Stage, OutSpec Out)>(StringComparer.Ordinal);
        foreach (var s in pipeline.Stages)
        {
            foreach (var o in s.Outs)
            {
                if (producers.TryGetValue(o.Path, out var other))
                    throw new PipelineException(o.At, $"'{o.Path}' is an output of both '{other.Stage.Name}' and '{s.Name}'", "each path can be written by one stage only");
                producers[o.Path] = (s, o);
            }
        }
        foreach (var (path, p) in producers)
        {
            foreach (var (other, q) in producers)
            {
                if (path != other && IsInside(path, other))
                    throw new PipelineException(p.Out.At, $"output '{path}' of '{p.Stage.Name}' is inside output '{other}' of '{q.Stage.Name}'", "outputs cannot nest; declare the directory or the files, not both");
            }
        }

        var upstream = new Dictionary<string, List<string>>();
        foreach (var s in pipeline.Stages)
        {
            var ups = new List<string>();
            foreach (var d in s.Deps)
            {
                if (d.DatasetRef is not null) continue;
                var found = false;
                foreach (var (path, p) in producers)
                {
                    if (d.Path == path || IsInside(d.Path, path) || IsInside(path, d.Path))
                    {
                        found = true;
                        if (p.Stage.Name == s.Name)
                            throw new PipelineException(d.At, $"stage '{s.Name}' depends on its own output '{path}'", "a stage cannot read what it writes; split it in two");
                        if (!ups.Contains(p.Stage.Name)) ups.Add(p.Stage.Name);
                    }
                }
                if (!found && !exists(d.Path))
                    throw new PipelineException(d.At, $"dependency '{d.Path}' of stage '{s.Name}' does not exist and no stage produces it", "create it, fix the path, or add the stage that writes it");
            }
            upstream[s.Name] = ups;
        }
        return new PipelineGraph(pipeline, upstream, TopologicalOrder(pipeline, upstream));
    }

    /// <summary>The named stages and everything upstream of them (what <c>keel run STAGE</c> needs).</summary>
    public IReadOnlyList<StageDefinition> Closure(IReadOnlyCollection<string> targets)
    {
        var wanted = new HashSet<string>();
        var stack = new Stack<string>(targets);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (!wanted.Add(n)) continue;
            foreach (var u in _upstream[n]) stack.Push(u);
        }
        return Order.Where(s => wanted.Contains(s.Name)).ToList();
    }

    public string ToDot()
    {
        var sb = new StringBuilder("digraph pipeline {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n");
        foreach (var s in Order) sb.Append($"  \"{s.Name}\";\n");
        foreach (var s in Order)
            foreach (var u in _upstream[s.Name]) sb.Append($"  \"{u}\" -> \"{s.Name}\";\n");
        return sb.Append("}\n").ToString();
    }

    public string ToMermaid()
    {
        var sb = new StringBuilder("flowchart LR\n");
        var ids = Order.Select((s, i) => (s.Name, Id: $"s{i}")).ToDictionary(x => x.Name, x => x.Id);
        foreach (var s in Order) sb.Append($"  {ids[s.Name]}[\"{s.Name}\"]\n");
        foreach (var s in Order)
            foreach (var u in _upstream[s.Name]) sb.Append($"  {ids[u]} --> {ids[s.Name]}\n");
        return sb.ToString();
    }

    public string ToText()
    {
        var sb = new StringBuilder();
        foreach (var s in Order)
        {
            var ups = _upstream[s.Name];
            sb.Append(s.Name);
            if (ups.Count > 0) sb.Append(" <- ").Append(string.Join(", ", ups));
            sb.Append('\n');
        }
        return sb.ToString();
    }

    internal static bool IsInside(string path, string dir) =>
        path.Length > dir.Length && path.StartsWith(dir, StringComparison.Ordinal) && path[dir.Length] == '/';

    private static List<StageDefinition> TopologicalOrder(PipelineDefinition pipeline, Dictionary<string, List<string>> upstream)
    {
        var state = new Dictionary<string, int>();
        var order = new List<StageDefinition>();
        var byName = pipeline.Stages.ToDictionary(s => s.Name);
        var path = new List<string>();
        void Visit(string name)
        {
            state.TryGetValue(name, out var st);
            if (st == 2) return;
            if (st == 1)
            {
                var cycle = path.Skip(path.IndexOf(name)).Append(name);
                throw new PipelineException(byName[name].At, $"the stages form a cycle: {string.Join(" -> ", cycle)}", "break it by removing one of these dependencies");
            }
            state[name] = 1;
            path.Add(name);
            foreach (var u in upstream[name]) Visit(u);
            path.RemoveAt(path.Count - 1);
            state[name] = 2;
            order.Add(byName[name]);
        }
        foreach (var s in pipeline.Stages) Visit(s.Name);
        return order;
    }
}
