using System.Collections.Concurrent;

namespace Keel.Monitoring.Statistics;

/// <summary>
/// The minimum detectable effect of a drift test for n reference and m current values: the effect, in the
/// unit of the effect metric that decides, at which the test's statistic just reaches its critical value at
/// level <c>alpha</c>. A smaller real shift cannot be told from chance with these counts; a shift of exactly
/// this size is found about half the time. Null when no effect of that metric can reach significance.
/// </summary>
internal static class DetectableEffect
{
    private static readonly ConcurrentDictionary<(int, double), double> Criticals = new();

    /// <summary>
    /// Normalised Wasserstein (reference sd): the location shift δ of a normal feature whose KS distance,
    /// 2Φ(δ/2) - 1, equals the asymptotic KS critical value c(α)·√(1/n + 1/m), c(α) = √(-ln(α/2)/2).
    /// </summary>
    public static double? Shift(long n, long m, double alpha)
    {
        if (n <= 0 || m <= 0)
        {
            return null;
        }

        double critical = Math.Sqrt(-0.5 * Math.Log(alpha / 2)) * Math.Sqrt((1.0 / n) + (1.0 / m));
        if (critical >= 1)
        {
            return null;
        }

        // Φ(z) = (1 + D) / 2  <=>  erf(z / √2) = D  <=>  P(1/2, z² / 2) = D.
        return 2 * Math.Sqrt(2 * InverseGammaP(0.5, critical));
    }

    /// <summary>PSI on <paramref name="bins"/> bins: under no drift PSI·nm/(n+m) is about χ²(bins - 1), so the critical PSI is χ²₁₋α·(1/n + 1/m).</summary>
    public static double? Psi(long n, long m, int bins, double alpha) =>
        n <= 0 || m <= 0 ? null : ChiSquareCritical(Math.Max(bins - 1, 1), alpha) * ((1.0 / n) + (1.0 / m));

    /// <summary>Cramér's V of the 2×k homogeneity table: √(χ²₁₋α / (n + m)); null when it would exceed 1.</summary>
    public static double? CramersV(long n, long m, int levels, double alpha)
    {
        if (n <= 0 || m <= 0)
        {
            return null;
        }

        double v = Math.Sqrt(ChiSquareCritical(Math.Max(levels - 1, 1), alpha) / (n + m));
        return v < 1 ? v : null;
    }

    /// <summary>
    /// Base-2 Jensen-Shannon distance: for small differences JSD (nats) ≈ Σ(p - q)²/(8(p + q)/2) = χ²·(1/n + 1/m)/8,
    /// so the critical distance is √(χ²₁₋α·(1/n + 1/m) / (8 ln 2)); null when it would exceed 1.
    /// </summary>
    public static double? JensenShannon(long n, long m, int levels, double alpha)
    {
        if (n <= 0 || m <= 0)
        {
            return null;
        }

        double js = Math.Sqrt(ChiSquareCritical(Math.Max(levels - 1, 1), alpha) * ((1.0 / n) + (1.0 / m)) / (8 * Math.Log(2)));
        return js < 1 ? js : null;
    }

    /// <summary>The χ²(df) value exceeded with probability alpha (bisection on the survival function).</summary>
    internal static double ChiSquareCritical(int degreesOfFreedom, double alpha) =>
        Criticals.GetOrAdd((degreesOfFreedom, alpha), key => SolveChiSquareCritical(key.Item1, key.Item2));

    private static double SolveChiSquareCritical(int degreesOfFreedom, double alpha)
    {
        double low = 0;
        double high = Math.Max(1.0, degreesOfFreedom);
        while (ChiSquareDistribution.Sf(high, degreesOfFreedom) > alpha)
        {
            low = high;
            high *= 2;
        }

        for (int i = 0; i < 200 && high - low > 1e-12 * high; i++)
        {
            double mid = 0.5 * (low + high);
            if (ChiSquareDistribution.Sf(mid, degreesOfFreedom) > alpha)
            {
                low = mid;
            }
            else
            {
                high = mid;
            }
        }

        return 0.5 * (low + high);
    }

    // x with P(a, x) = p, for p in (0, 1): bisection (P is increasing in x).
    private static double InverseGammaP(double a, double p)
    {
        double low = 0;
        double high = 1;
        while (SpecialFunctions.GammaP(a, high) < p)
        {
            low = high;
            high *= 2;
        }

        for (int i = 0; i < 200 && high - low > 1e-14 * high; i++)
        {
            double mid = 0.5 * (low + high);
            if (SpecialFunctions.GammaP(a, mid) < p)
            {
                low = mid;
            }
            else
            {
                high = mid;
            }
        }

        return 0.5 * (low + high);
    }
}
