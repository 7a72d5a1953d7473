namespace Keel.Tracking;

/// <summary>Records written to a running run in one transaction: all of them or none.</summary>
public sealed record RunBatch(
    IReadOnlyList<KeyValuePair<string, string>> Params,
    IReadOnlyList<MetricPoint> Metrics,
    IReadOnlyList<KeyValuePair<string, string>> Tags,
    IReadOnlyList<RunInput> Inputs,
    IReadOnlyList<RunOutput> Outputs)
{
    public static RunBatch Empty { get; } = new([], [], [], [], []);

    public static RunBatch OfMetrics(IReadOnlyList<MetricPoint> metrics) => Empty with { Metrics = metrics };

    public bool IsEmpty => Params.Count + Metrics.Count + Tags.Count + Inputs.Count + Outputs.Count == 0;
}
