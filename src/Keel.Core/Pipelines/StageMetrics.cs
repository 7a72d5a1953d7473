using Keel.Tracking;
using Keel.Tracking.Execution;

namespace Keel.Pipelines;

/// <summary>
/// What a stage reports as its run's metrics: the lines it appended to <c>KEEL_METRICS_FILE</c>
/// (as <c>keel exec</c> reads them) and, when it succeeded, every output of kind <c>metrics</c>
/// (JSON, YAML, CSV or TSV; see <see cref="MetricsDocument"/>). A malformed file is a warning,
/// never a failed stage: the outputs are still the stage's outputs.
/// </summary>
internal static class StageMetrics
{
    /// <summary>The file a stage appends metrics to: beside its working tree, so it is not an undeclared write.</summary>
    public static string FilePath(string sandboxDir) => Path.Combine(sandboxDir, "metrics.jsonl");

    public static IReadOnlyList<MetricPoint> Collect(StageDefinition stage, string metricsFile, Func<string, string>? outputPath, DateTimeOffset at, List<string> warnings)
    {
        var points = new List<MetricPoint>();
        if (File.Exists(metricsFile))
        {
            try
            {
                points.AddRange(MetricsFile.Parse(File.ReadAllText(metricsFile), at));
            }
            catch (KeelException bad)
            {
                warnings.Add($"{KeelRunEnvironment.MetricsFile}: {bad.Message}; those metrics were not recorded");
            }
        }
        if (outputPath is null) return points;
        var from = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var o in stage.Outs.Where(o => o.Kind == "metrics"))
        {
            IReadOnlyList<MetricsEntry> entries;
            try
            {
                entries = MetricsDocument.Read(outputPath(o.Path), o.Path);
            }
            catch (Exception e) when (e is KeelException or IOException or UnauthorizedAccessException)
            {
                warnings.Add($"metrics output {e.Message}; its values were not recorded as metrics");
                continue;
            }
            foreach (var p in MetricsDocument.Points(entries, at))
            {
                if (from.TryGetValue(p.Key, out var first) && first != o.Path)
                    warnings.Add($"metric '{p.Key}' is in both {first} and {o.Path}; the run keeps the value from {o.Path}");
                from[p.Key] = o.Path;
                points.Add(p);
            }
        }
        return points;
    }
}
