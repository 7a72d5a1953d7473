namespace Keel.Monitoring;

/// <summary>Realised performance (from labels) and the label-free estimate for one window.</summary>
public sealed record PerformanceReport
{
    /// <summary>Metrics from feedback labels; empty until labels arrive.</summary>
    public IReadOnlyList<MetricValue> Realised { get; init; } = [];

    /// <summary>Estimated from calibrated confidence over all scored rows (classification only), always marked estimated.</summary>
    public IReadOnlyList<MetricValue> Estimated { get; init; } = [];

    /// <summary>Labelled share of scored rows.</summary>
    public double LabelCoverage { get; init; }

    /// <summary>Estimate minus realised, on the labelled rows only, per metric, once coverage is enough to reconcile.</summary>
    public IReadOnlyDictionary<string, double> EstimateError { get; init; } = new Dictionary<string, double>();

    /// <summary>Whether the calibration came from reference labels (<c>reference</c>) or assumes calibrated scores (<c>assumed</c>).</summary>
    public string Calibration { get; init; } = "assumed";
}
