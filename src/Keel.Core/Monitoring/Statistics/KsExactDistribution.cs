namespace Keel.Monitoring.Statistics;

/// <summary>
/// Exact two-sided null distribution of the two-sample KS statistic, following the lattice-path
/// algorithms SciPy uses in <c>ks_2samp(method='exact')</c> (Hodges 1958).
/// </summary>
internal static class KsExactDistribution
{
    /// <summary>
    /// P(D ≥ h / lcm(n1, n2)) under the null, or null when the computation is not trustworthy
    /// (SciPy then falls back to the asymptotic distribution).
    /// </summary>
    public static double? TwoSidedSf(int n1, int n2, long h)
    {
        if (h <= 0)
        {
            return 1.0;
        }

        double p = n1 == n2 ? ProbOutsideSquare(n1, h) : OuterProbInside(n1, n2, h);
        return double.IsFinite(p) && p >= 0.0 && p <= 1.0 ? p : null;
    }

    // Equal sizes: 2 * Σ_k (-1)^(k-1) binom(2n, n - k h) / binom(2n, n), in Horner form to avoid cancellation.
    private static double ProbOutsideSquare(int n, long h)
    {
        double p = 0.0;
        long k = n / h;
        while (k >= 0)
        {
            double p1 = 1.0;
            for (long j = 0; j < h; j++)
            {
                p1 = (n - (k * h) - j) * p1 / (n + (k * h) + j + 1);
            }

            p = p1 * (1.0 - p);
            k--;
        }

        return 2.0 * p;
    }

    // Unequal sizes: walk the lattice column by column, carrying the proportion of paths that have
    // left the band |x/m - y/n| < h/lcm, and only a sliding window of the column.
    private static double OuterProbInside(int n1, int n2, long h)
    {
        int m = Math.Max(n1, n2);
        int n = Math.Min(n1, n2);
        long g = Gcd(m, n);
        long mg = m / g;
        long ng = n / g;

        long minj = 0;
        long maxj = Math.Min(CeilDiv(h, mg), n + 1);
        long curlen = maxj - minj;
        int lenA = (int)Math.Min((2 * maxj) + 2, n + 1);
        double[] a = new double[lenA];
        Array.Fill(a, 1.0);
        Array.Fill(a, 0.0, (int)minj, (int)Math.Min(maxj, lenA));
        for (long i = 1; i <= m; i++)
        {
            long lastminj = minj;
            long lastlen = curlen;
            minj = Math.Min(Math.Max(FloorDiv((ng * i) - h, mg) + 1, 0), n);
            maxj = Math.Min(CeilDiv((ng * i) + h, mg), n + 1);
            if (maxj <= minj)
            {
                return 1.0;
            }

            double val = minj == 0 ? 0.0 : 1.0;
            for (long jj = 0; jj < maxj - minj; jj++)
            {
                long j = jj + minj;
                val = ((a[jj + minj - lastminj] * i) + (val * j)) / (i + j);
                a[jj] = val;
            }

            curlen = maxj - minj;
            if (lastlen > curlen)
            {
                long end = Math.Min(maxj - minj + (lastlen - curlen), lenA);
                Array.Fill(a, 1.0, (int)(maxj - minj), (int)(end - (maxj - minj)));
            }
        }

        return a[maxj - minj - 1];
    }

    internal static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }

    private static long FloorDiv(long a, long b) => (a / b) - ((a % b != 0 && (a < 0) != (b < 0)) ? 1 : 0);

    private static long CeilDiv(long a, long b) => -FloorDiv(-a, b);
}
