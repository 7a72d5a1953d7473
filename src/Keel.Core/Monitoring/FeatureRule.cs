namespace Keel.Monitoring;

/// <summary>Per-feature overrides from keel.yaml's <c>monitor.features</c>.</summary>
public sealed record FeatureRule
{
    /// <summary>Skip the feature entirely (ids, free text).</summary>
    public bool Ignore { get; init; }

    /// <summary>Effect size the drift decision uses: <c>wasserstein</c> (default) or <c>psi</c> for numeric, <c>js</c> (default) or <c>cramers_v</c> for categorical.</summary>
    public string? Effect { get; init; }

    /// <summary>Smallest effect that counts as drift; null uses the default for the effect.</summary>
    public double? Threshold { get; init; }
}
