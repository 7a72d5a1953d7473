namespace Keel.Monitoring.Statistics;

/// <summary>How <see cref="CategoricalDrift"/> buckets categories before the chi-square test.</summary>
public sealed record CategoricalOptions
{
    /// <summary>
    /// A category whose smaller expected count (under homogeneity) is below this goes to the
    /// <see cref="CategoricalDrift.OtherBucket"/>; default 5, the usual chi-square validity rule.
    /// </summary>
    public double MinExpectedCount { get; init; } = 5.0;

    /// <summary>Apply Yates' correction when the final table is 2 x 2 (SciPy's default); default false.</summary>
    public bool YatesCorrection { get; init; }

    internal void Validate()
    {
        if (!(MinExpectedCount >= 0) || !double.IsFinite(MinExpectedCount))
        {
            throw new ArgumentOutOfRangeException(nameof(MinExpectedCount), MinExpectedCount, "Must be finite and non-negative.");
        }
    }
}
