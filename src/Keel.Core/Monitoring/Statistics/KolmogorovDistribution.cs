namespace Keel.Monitoring.Statistics;

/// <summary>The limiting Kolmogorov distribution of sqrt(n)·D (SciPy's <c>kstwobign</c>).</summary>
internal static class KolmogorovDistribution
{
    private const int MaxTerms = 200;

    /// <summary>P(K &gt; lambda).</summary>
    public static double Sf(double lambda)
    {
        if (!(lambda > 0))
        {
            return 1.0;
        }

        if (lambda < 1.0)
        {
            return Math.Clamp(1.0 - Cdf(lambda), 0.0, 1.0);
        }

        // Alternating series 2 Σ (-1)^(k-1) exp(-2 k² λ²): converges fast for λ ≥ 1.
        double sum = 0.0;
        double sign = 1.0;
        for (int k = 1; k <= MaxTerms; k++)
        {
            double term = Math.Exp(-2.0 * k * k * lambda * lambda);
            sum += sign * term;
            if (term < 1e-300 || term < Math.Abs(sum) * 1e-17)
            {
                break;
            }

            sign = -sign;
        }

        return Math.Clamp(2.0 * sum, 0.0, 1.0);
    }

    /// <summary>P(K ≤ lambda).</summary>
    public static double Cdf(double lambda)
    {
        if (!(lambda > 0))
        {
            return 0.0;
        }

        if (lambda >= 1.0)
        {
            return Math.Clamp(1.0 - Sf(lambda), 0.0, 1.0);
        }

        // Jacobi theta form sqrt(2π)/λ Σ exp(-(2k-1)² π² / (8 λ²)): converges fast for λ < 1.
        double w = Math.PI * Math.PI / (8.0 * lambda * lambda);
        double sum = 0.0;
        for (int k = 1; k <= MaxTerms; k++)
        {
            double odd = (2 * k) - 1;
            double term = Math.Exp(-odd * odd * w);
            sum += term;
            if (term < 1e-300 || term < sum * 1e-17)
            {
                break;
            }
        }

        return Math.Clamp(Math.Sqrt(2.0 * Math.PI) / lambda * sum, 0.0, 1.0);
    }
}
