namespace Keel.Monitoring.Statistics;

/// <summary>Drift of one categorical feature between a reference and a current window.</summary>
/// <param name="ChiSquare">Homogeneity test on the bucketed 2 x k table.</param>
/// <param name="JensenShannonDistance">Base-2 Jensen-Shannon distance over all categories before rare merging, in [0, 1].</param>
/// <param name="Buckets">Column names of the tested table, in order; may include the unseen and other buckets.</param>
/// <param name="UnseenCurrentCount">Current observations of categories absent from the reference.</param>
public sealed record CategoricalDriftResult(
    ChiSquareResult ChiSquare,
    double JensenShannonDistance,
    IReadOnlyList<string> Buckets,
    long UnseenCurrentCount)
{
    /// <summary>False when either window has no observation.</summary>
    public bool IsSufficient => ChiSquare.IsSufficient;
}
