namespace Keel.Monitoring.Statistics;

/// <summary>Wasserstein-1 distance between a reference and a current sample.</summary>
/// <param name="Distance">Area between the two empirical CDFs, in the units of the data.</param>
/// <param name="NormalizedDistance">Distance divided by the reference standard deviation (see <see cref="Wasserstein"/> for a constant reference).</param>
/// <param name="ReferenceStandardDeviation">Population (ddof = 0) standard deviation of the reference.</param>
/// <param name="ReferenceCount">Reference values used (NaN and infinities excluded).</param>
/// <param name="CurrentCount">Current values used (NaN and infinities excluded).</param>
/// <param name="Excluded">Non-finite values dropped from both samples.</param>
public readonly record struct WassersteinResult(
    double Distance,
    double NormalizedDistance,
    double ReferenceStandardDeviation,
    int ReferenceCount,
    int CurrentCount,
    int Excluded)
{
    /// <summary>False when either sample is empty after exclusions; both distances are then 0.</summary>
    public bool IsSufficient => ReferenceCount > 0 && CurrentCount > 0;
}
