using Keel.Monitoring.Profiles;

namespace Keel.Monitoring;

/// <summary>The drift test of one feature (or of the score) in one window; every number finite.</summary>
public sealed record FeatureDrift
{
    public required string Feature { get; init; }

    public required ColumnKind Kind { get; init; }

    /// <summary><c>ks</c> or <c>chi_square</c>.</summary>
    public required string Test { get; init; }

    /// <summary><c>exact</c>, <c>asymptotic</c> or <c>binned</c> (KS on the reference bins: low by at most one bin's mass).</summary>
    public string Method { get; init; } = "";

    public double Statistic { get; init; }

    public double PValue { get; init; } = 1;

    /// <summary>Benjamini-Hochberg adjusted across the window's features.</summary>
    public double AdjustedPValue { get; init; } = 1;

    /// <summary>The effect size the decision used: <c>wasserstein</c>, <c>psi</c>, <c>js</c> or <c>cramers_v</c>.</summary>
    public string EffectMetric { get; init; } = "";

    public double Effect { get; init; }

    public double Threshold { get; init; }

    public double? Psi { get; init; }

    /// <summary>Wasserstein distance divided by the reference standard deviation.</summary>
    public double? Wasserstein { get; init; }

    public double? CramersV { get; init; }

    /// <summary>Base-2 Jensen-Shannon distance.</summary>
    public double? JensenShannon { get; init; }

    /// <summary>
    /// The smallest effect (in <see cref="EffectMetric"/>'s unit) the test can tell from chance with these counts at the
    /// false discovery rate; null when no effect can reach significance (too few values).
    /// </summary>
    public double? MinimumDetectableEffect { get; init; }

    public long ReferenceCount { get; init; }

    public long CurrentCount { get; init; }

    /// <summary>Significant after correction and effect at or above its threshold.</summary>
    public bool Drifted { get; init; }

    /// <summary><c>drift</c>, <c>small_effect</c> (significant, below threshold), <c>ok</c>, <c>insufficient</c> or <c>absent</c>.</summary>
    public string Status { get; init; } = "ok";
}
