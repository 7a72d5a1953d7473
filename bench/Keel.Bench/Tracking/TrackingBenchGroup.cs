namespace Keel.Bench.Tracking;

/// <summary>SDK metric logging against a raw SQLite insert, runs list --filter at scale, and keel exec's overhead.</summary>
internal sealed class TrackingBenchGroup : IBenchGroup
{
    public string Name => "tracking";

    public IEnumerable<Figure> Run(BenchContext context)
    {
        var scratch = Path.Combine(context.Scratch, "tracking");
        Directory.CreateDirectory(scratch);
        foreach (var r in TrackingBench.Run(context.Keel, scratch, context.Quick ? 50_000 : 200_000))
        {
            var baseline = r.Baseline ?? 0;
            yield return new Figure(Name, $"{r.Name} ({r.Note})", r.Value, r.Unit, r.BaselineName ?? "", baseline, baseline > 0 ? r.Value / baseline : 0);
        }
    }
}
