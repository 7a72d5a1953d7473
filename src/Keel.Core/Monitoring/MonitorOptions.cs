namespace Keel.Monitoring;

/// <summary>How windows are judged. Every default is documented in docs/monitoring.md.</summary>
public sealed record MonitorOptions
{
    /// <summary>Benjamini-Hochberg false discovery rate across the features of a window; default 0.05.</summary>
    public double FalseDiscoveryRate { get; init; } = 0.05;

    /// <summary>Default effect threshold for normalised Wasserstein (numeric): 0.1 reference standard deviations.</summary>
    public double WassersteinThreshold { get; init; } = 0.1;

    /// <summary>Default effect threshold when a numeric feature is judged by PSI: 0.2 (the usual "significant shift").</summary>
    public double PsiThreshold { get; init; } = 0.2;

    /// <summary>Default effect threshold for the base-2 Jensen-Shannon distance (categorical): 0.1.</summary>
    public double JensenShannonThreshold { get; init; } = 0.1;

    /// <summary>Default effect threshold when a categorical feature is judged by Cramér's V: 0.1.</summary>
    public double CramersVThreshold { get; init; } = 0.1;

    /// <summary>Effect threshold for prediction (score) drift, normalised Wasserstein; default 0.1.</summary>
    public double ScoreThreshold { get; init; } = 0.1;

    /// <summary>
    /// The minimum sample on either side: a window with fewer rows, or any window judged against a reference with
    /// fewer rows, is reported as insufficient ("too few rows") and never alarms; default 100.
    /// </summary>
    public int MinWindowRows { get; init; } = 100;

    /// <summary>A feature with fewer present values than this in the reference or the window gets no drift verdict; default 20.</summary>
    public int MinFeatureValues { get; init; } = 20;

    /// <summary>Missing-rate increase over the reference (absolute) that warns; default 0.05.</summary>
    public double MissingRateIncrease { get; init; } = 0.05;

    /// <summary>Share of values outside the reference range, or of unseen categories, that warns; default 0.01.</summary>
    public double OutOfRangeShare { get; init; } = 0.01;

    /// <summary>Share of values that are not numbers in a numeric feature that warns; default 0 (any).</summary>
    public double TypeViolationShare { get; init; }

    /// <summary>Per-feature rules by name.</summary>
    public IReadOnlyDictionary<string, FeatureRule> Features { get; init; } = new Dictionary<string, FeatureRule>();

    /// <summary>Performance floor, if any.</summary>
    public PerformanceFloor? Floor { get; init; }

    /// <summary>Labelled share of a window from which the estimate is reconciled with realised metrics; default 0.5.</summary>
    public double ReconcileCoverage { get; init; } = 0.5;

    internal FeatureRule Rule(string feature) => Features.TryGetValue(feature, out FeatureRule? r) ? r : Default;

    private static readonly FeatureRule Default = new();

    internal void Validate()
    {
        if (!(FalseDiscoveryRate > 0 && FalseDiscoveryRate < 1))
        {
            throw new KeelException($"the false discovery rate must be in (0, 1), got {FalseDiscoveryRate}");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(MinWindowRows);
        ArgumentOutOfRangeException.ThrowIfNegative(MinFeatureValues);
    }
}
