namespace Keel.Monitoring.Statistics;

/// <summary>Outcome of a two-sample Kolmogorov-Smirnov test; never NaN or infinite.</summary>
/// <param name="Statistic">Largest absolute difference between the two empirical CDFs, in [0, 1].</param>
/// <param name="PValue">Two-sided p-value, in [0, 1]; 1 when data are insufficient.</param>
/// <param name="ReferenceCount">Reference values used (NaN excluded).</param>
/// <param name="CurrentCount">Current values used (NaN excluded).</param>
/// <param name="ExcludedNaN">NaN values dropped from both samples.</param>
/// <param name="MethodUsed">Exact or Asymptotic: the method that produced the p-value.</param>
public readonly record struct KsResult(
    double Statistic,
    double PValue,
    int ReferenceCount,
    int CurrentCount,
    int ExcludedNaN,
    KsMethod MethodUsed)
{
    /// <summary>False when either sample is empty after excluding NaN; the statistic is then 0 and the p-value 1.</summary>
    public bool IsSufficient => ReferenceCount > 0 && CurrentCount > 0;
}
