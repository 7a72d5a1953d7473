namespace Keel.Monitoring.Statistics;

/// <summary>
/// Two-sided one-sample Kolmogorov-Smirnov distribution for finite n, SciPy's <c>kstwo</c>
/// (Simard and L'Ecuyer 2011): exact formulas at the ends, Durbin's matrix or Pomeranz's recursion
/// for small n, twice the one-sided tail or the Pelz-Good expansion for large n. ks_2samp uses its
/// survival function at n = round(n1·n2 / (n1 + n2)) in the asymptotic regime.
/// </summary>
internal static class KolmogorovFiniteDistribution
{
    private const double PiSquared = Math.PI * Math.PI;
    private const double MinLog = -708;
    private const double NegligibleCdf = 1e-9;

    // Bernoulli terms of Stirling's series, highest power first.
    private static readonly double[] StirlingCoefficients =
    [
        -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3,
        8.4175084175084175084e-4, -5.952380952380952381e-4, 7.9365079365079365079e-4,
        -2.7777777777777777778e-3, 8.3333333333333333333e-2,
    ];

    /// <summary>P(D_n ≥ x).</summary>
    public static double Sf(int n, double x)
    {
        if (n < 1 || double.IsNaN(x) || x <= 0.0)
        {
            return 1.0;
        }

        if (x >= 1.0)
        {
            return 0.0;
        }

        double t = n * x;
        if (t <= 1.0)
        {
            if (t <= 0.5)
            {
                return 1.0;
            }

            // Ruben-Gambino: P(D_n ≤ x) = n!/n^n (2t - 1)^n for 1/(2n) ≤ x ≤ 1/n.
            double cdf;
            if (n <= 140)
            {
                cdf = 1.0;
                for (int i = 1; i <= n; i++)
                {
                    cdf *= i * (1.0 / n) * ((2 * t) - 1);
                }
            }
            else
            {
                cdf = Math.Exp(LogFactorialOverPower(n) + (n * Math.Log((2 * t) - 1)));
            }

            return Clip(1.0 - cdf);
        }

        if (t >= n - 1)
        {
            return Clip(2 * Math.Pow(1.0 - x, n));
        }

        if (x >= 0.5)
        {
            return Clip(2 * SmirnovDistribution.Sf(n, x));
        }

        double nxSquared = t * x;
        if (n <= 140)
        {
            if (nxSquared <= 0.754693)
            {
                return Clip(1.0 - KolmogorovExactCdf.Durbin(n, x));
            }

            if (nxSquared <= 4)
            {
                return Clip(1.0 - KolmogorovExactCdf.Pomeranz(n, x));
            }

            return Clip(2 * SmirnovDistribution.Sf(n, x));
        }

        if (nxSquared >= 370.0)
        {
            return 0.0;
        }

        if (nxSquared >= 2.2)
        {
            return Clip(2 * SmirnovDistribution.Sf(n, x));
        }

        // SciPy takes Durbin's O(m³ log n) matrix power here (230 ms at n = 1e5). When the limiting CDF
        // is below 1e-9 the survival function is 1 - O(1e-9) either way, so Pelz-Good is used instead.
        bool durbin = n <= 100_000 && n * Math.Pow(x, 1.5) <= 1.4 && KolmogorovDistribution.Cdf(Math.Sqrt(n) * x) >= NegligibleCdf;
        double lower = durbin ? KolmogorovExactCdf.Durbin(n, x) : PelzGoodCdf(n, x);
        return Clip(1.0 - lower);
    }

    // ln(n! / n^n) by Stirling's series with n ln n removed up front.
    internal static double LogFactorialOverPower(int n)
    {
        double rn = 1.0 / n;
        double y = rn / n;
        double poly = 0.0;
        foreach (double c in StirlingCoefficients)
        {
            poly = (poly * y) + c;
        }

        return (Math.Log(n) / 2) - n + (Math.Log(2 * Math.PI) / 2) + (rn * poly);
    }

    // Pelz-Good: K0(z) + K1(z)/√n + K2(z)/n + K3(z)/n^1.5 with z = x√n, in theta-function form.
    private static double PelzGoodCdf(int n, double x)
    {
        double z = Math.Sqrt(n) * x;
        double z2 = z * z;
        double z3 = z2 * z;
        double z4 = z2 * z2;
        double z6 = z4 * z2;
        double qlog = -PiSquared / 8 / z2;
        if (qlog < MinLog)
        {
            return 0.0;
        }

        double q = Math.Exp(qlog);
        double pi4 = PiSquared * PiSquared;
        double pi6 = pi4 * PiSquared;
        double k1a = -z2;
        double k1b = PiSquared / 4;
        double k2a = (6 * z6) + (2 * z4);
        double k2b = ((2 * z4) - (5 * z2)) * PiSquared / 4;
        double k2c = pi4 * (1 - (2 * z2)) / 16;
        double k3d = pi6 * (5 - (30 * z2)) / 64;
        double k3c = pi4 * ((-60 * z2) + (212 * z4)) / 16;
        double k3b = PiSquared * ((135 * z4) - (96 * z6)) / 4;
        double k3a = (-30 * z6) - (90 * z4 * z4);

        // Horner scheme over odd m = 2k - 1 of c(m) q^(m²).
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int maxK = (int)Math.Ceiling(16 * z / Math.PI);
        for (int k = maxK; k >= 1; k--)
        {
            double m = (2 * k) - 1;
            double m2 = m * m;
            double m4 = m2 * m2;
            double m6 = m4 * m2;
            double qPower = Math.Pow(q, 8 * k);
            s0 = (s0 * qPower) + 1.0;
            s1 = (s1 * qPower) + k1a + (k1b * m2);
            s2 = (s2 * qPower) + k2a + (k2b * m2) + (k2c * m4);
            s3 = (s3 * qPower) + k3a + (k3b * m2) + (k3c * m4) + (k3d * m6);
        }

        double scale = q * Math.Sqrt(2 * Math.PI);
        s0 *= scale / z;
        s1 *= scale / (6 * z4);
        s2 *= scale / (72 * z4 * z3);
        s3 *= scale / (6480 * z6 * z4);

        // Remaining sums over all integers k of k² q'^(k²), q' = exp(-π²/(2z²)).
        double q2 = Math.Exp(-PiSquared / 2 / z2);
        double sqrt3z = Math.Sqrt(3) * z;
        double k2Extra = 0.0;
        double k3Extra = 0.0;
        for (int k = maxK; k >= 1; k--)
        {
            double k2 = (double)k * k;
            double power = Math.Pow(q2, k2);
            double kpi = Math.PI * k;
            k2Extra += k2 * power;
            k3Extra += (sqrt3z + kpi) * (sqrt3z - kpi) * k2 * power;
        }

        s2 += k2Extra * PiSquared * Math.Sqrt(2 * Math.PI) / (-36 * z3);
        s3 += k3Extra * PiSquared * Math.Sqrt(2 * Math.PI) / (216 * z6);
        double sqrtN = Math.Sqrt(n);
        return s0 + (s1 / sqrtN) + (s2 / n) + (s3 / (n * sqrtN));
    }

    private static double Clip(double p) => double.IsNaN(p) ? 1.0 : Math.Clamp(p, 0.0, 1.0);
}
