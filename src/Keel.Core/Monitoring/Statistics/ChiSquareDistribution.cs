namespace Keel.Monitoring.Statistics;

/// <summary>Survival function of the chi-square distribution.</summary>
internal static class ChiSquareDistribution
{
    /// <summary>P(X ≥ statistic) for X ~ χ²(degreesOfFreedom); 1 when there are no degrees of freedom.</summary>
    public static double Sf(double statistic, int degreesOfFreedom)
    {
        if (degreesOfFreedom <= 0 || !(statistic > 0))
        {
            return 1.0;
        }

        return Math.Clamp(SpecialFunctions.GammaQ(degreesOfFreedom / 2.0, statistic / 2.0), 0.0, 1.0);
    }
}
