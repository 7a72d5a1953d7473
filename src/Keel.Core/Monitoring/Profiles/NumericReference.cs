namespace Keel.Monitoring.Profiles;

/// <summary>Reference profile of one numeric feature; serialisable as JSON.</summary>
public sealed record NumericReference
{
    /// <summary>Finite values profiled.</summary>
    public long Count { get; init; }

    /// <summary>Missing values (NaN, empty, unparseable).</summary>
    public long Missing { get; init; }

    /// <summary>Infinite values (excluded from every statistic).</summary>
    public long NonFinite { get; init; }

    /// <summary>Smallest finite value (0 when there is none).</summary>
    public double Min { get; init; }

    /// <summary>Largest finite value (0 when there is none).</summary>
    public double Max { get; init; }

    /// <summary>Mean of finite values.</summary>
    public double Mean { get; init; }

    /// <summary>Population standard deviation of finite values.</summary>
    public double StandardDeviation { get; init; }

    /// <summary>Strictly increasing interior bin edges (reference quantiles, PSI edges included); bin b holds Edges[b-1] &lt; x ≤ Edges[b].</summary>
    public double[] Edges { get; init; } = [];

    /// <summary>Reference count per bin (Edges.Length + 1 bins).</summary>
    public long[] BinCounts { get; init; } = [];

    /// <summary>Sum of reference values per bin, to place each bin's mass at its mean.</summary>
    public double[] BinSums { get; init; } = [];

    /// <summary>PSI edges (reference deciles), each one of <see cref="Edges"/>.</summary>
    public double[] PsiEdges { get; init; } = [];

    /// <summary>All finite reference values sorted ascending, when there are at most ProfileOptions.MaxExactReferenceValues.</summary>
    public double[]? SortedValues { get; init; }

    /// <summary>Missing share of all rows.</summary>
    public double MissingRate => Count + Missing + NonFinite == 0 ? 0 : Missing / (double)(Count + Missing + NonFinite);
}
