namespace Keel.Bench.Lineage;

/// <summary>Lineage queries over a ~1M-node graph against recursive SQL over the same tables.</summary>
internal sealed class LineageBenchGroup : IBenchGroup
{
    public string Name => "lineage";

    public IEnumerable<Figure> Run(BenchContext context)
    {
        var rows = LineageBench.RunAsync(context.Quick, Console.Error).GetAwaiter().GetResult();
        foreach (var r in rows)
        {
            var baseline = r.Baseline <= 0 ? ""
                : r.Note.Contains("bare SELECT", StringComparison.Ordinal) ? "plain SELECT of the rows" : "SQLite recursive CTE";
            yield return new Figure(Name, $"{r.Name} ({r.Note})", r.Keel, r.Unit, baseline, r.Baseline, r.Baseline > 0 ? r.Keel / r.Baseline : 0);
        }
    }
}
