namespace Keel.Tracking;

/// <summary>A run with everything recorded for it; metrics are the latest value per key.</summary>
public sealed record RunDetail(
    Run Run,
    IReadOnlyDictionary<string, string> Params,
    IReadOnlyDictionary<string, MetricPoint> LatestMetrics,
    IReadOnlyDictionary<string, string> Tags,
    IReadOnlyList<RunInput> Inputs,
    IReadOnlyList<RunOutput> Outputs);
