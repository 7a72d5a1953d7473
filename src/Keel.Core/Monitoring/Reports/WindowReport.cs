namespace Keel.Monitoring;

/// <summary>Everything monitoring concluded about one window.</summary>
public sealed record WindowReport
{
    public required int Index { get; init; }

    /// <summary>Window label: a time range or a row range.</summary>
    public required string Label { get; init; }

    public DateTimeOffset? Start { get; init; }

    public DateTimeOffset? End { get; init; }

    public long Rows { get; init; }

    /// <summary>Severity of this window alone (before persistence).</summary>
    public Severity Severity { get; init; }

    /// <summary>True when the window is too small to judge: it is reported, never alarms.</summary>
    public bool Insufficient { get; init; }

    public IReadOnlyList<FeatureDrift> Features { get; init; } = [];

    public IReadOnlyList<QualityIssue> Quality { get; init; } = [];

    /// <summary>Drift of the model's score distribution, when scores are captured and the reference has them.</summary>
    public FeatureDrift? Prediction { get; init; }

    public PerformanceReport? Performance { get; init; }

    /// <summary>Why the window has its severity, one line each.</summary>
    public IReadOnlyList<string> Reasons { get; init; } = [];
}
