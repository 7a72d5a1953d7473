namespace Keel.Monitoring.Profiles;

/// <summary>Resolution and memory bounds of reference and window profiles.</summary>
public sealed record ProfileOptions
{
    /// <summary>
    /// Reference-quantile bins per numeric feature (default 1,000). Windows too large to keep exactly are
    /// summarised on these bins, so a binned KS statistic is low by at most the largest bin mass (about 1/1,000).
    /// </summary>
    public int FineBinCount { get; init; } = 1000;

    /// <summary>Reference values kept exactly (sorted) per numeric feature; default 100,000. Above, only bins are kept.</summary>
    public int MaxExactReferenceValues { get; init; } = 100_000;

    /// <summary>Window values kept exactly per numeric feature, for exact KS and Wasserstein; default 10,000 (SciPy's exact limit).</summary>
    public int MaxExactWindowValues { get; init; } = 10_000;

    /// <summary>Distinct categories counted exactly per feature; further new levels share one overflow bucket. Default 10,000.</summary>
    public int MaxCategories { get; init; } = 10_000;

    /// <summary>A text column is profiled as numeric when at least this share of its non-missing values parse as numbers; default 0.99.</summary>
    public double NumericShare { get; init; } = 0.99;

    /// <summary>Equal-width score bins on [0, 1] for AUC and the performance estimate; default 200.</summary>
    public int ScoreBinCount { get; init; } = 200;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(FineBinCount, 10);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxExactReferenceValues, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxExactWindowValues, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxCategories, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(ScoreBinCount, 10);
    }
}
