namespace Keel.Monitoring.Statistics;

/// <summary>How <see cref="PsiBins"/> are fitted and smoothed.</summary>
public sealed record PsiOptions
{
    /// <summary>Number of reference-quantile bins; default 10 (deciles). Ties in the reference can merge bins.</summary>
    public int BinCount { get; init; } = 10;

    /// <summary>
    /// Laplace pseudo-count added to every bin of both samples before taking proportions,
    /// p = (count + α) / (n + α·k); default 0.5 (Jeffreys). Keeps PSI finite when a bin is empty.
    /// </summary>
    public double SmoothingPseudoCount { get; init; } = 0.5;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(BinCount, 1);
        if (!(SmoothingPseudoCount > 0) || !double.IsFinite(SmoothingPseudoCount))
        {
            throw new ArgumentOutOfRangeException(nameof(SmoothingPseudoCount), SmoothingPseudoCount, "Must be positive and finite.");
        }
    }
}
