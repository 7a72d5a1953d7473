namespace Keel.Monitoring.Statistics;

/// <summary>Chi-square test of homogeneity on a 2 x k table (reference row, current row).</summary>
/// <param name="Statistic">Pearson chi-square statistic (Yates-corrected only when asked for and k = 2).</param>
/// <param name="PValue">Upper tail probability of χ²(k - 1); 1 when there is nothing to test.</param>
/// <param name="DegreesOfFreedom">Non-empty columns minus one.</param>
/// <param name="CramersV">sqrt(χ² / N) from the uncorrected statistic, in [0, 1].</param>
/// <param name="ReferenceTotal">Observations in the reference row.</param>
/// <param name="CurrentTotal">Observations in the current row.</param>
public readonly record struct ChiSquareResult(
    double Statistic,
    double PValue,
    int DegreesOfFreedom,
    double CramersV,
    long ReferenceTotal,
    long CurrentTotal)
{
    /// <summary>False when either row is empty; the statistic is then 0 and the p-value 1.</summary>
    public bool IsSufficient => ReferenceTotal > 0 && CurrentTotal > 0;
}
