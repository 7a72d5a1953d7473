namespace Keel.Monitoring.Statistics;

/// <summary>Jensen-Shannon distance in base 2, as SciPy's <c>jensenshannon(p, q, base=2)</c>; in [0, 1].</summary>
public static class JensenShannon
{
    /// <summary>
    /// Distance between two non-negative weight vectors, each normalised to sum 1.
    /// Returns 0 when either vector has no mass (SciPy would return NaN).
    /// </summary>
    public static double Distance(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        if (p.Length != q.Length)
        {
            throw new ArgumentException("Both distributions must cover the same categories.", nameof(q));
        }

        double sp = 0.0;
        double sq = 0.0;
        for (int i = 0; i < p.Length; i++)
        {
            if (!(p[i] >= 0) || !(q[i] >= 0) || !double.IsFinite(p[i]) || !double.IsFinite(q[i]))
            {
                throw new ArgumentOutOfRangeException(nameof(p), "Weights must be finite and non-negative.");
            }

            sp += p[i];
            sq += q[i];
        }

        if (sp == 0 || sq == 0)
        {
            return 0.0;
        }

        double js = 0.0;
        for (int i = 0; i < p.Length; i++)
        {
            double pi = p[i] / sp;
            double qi = q[i] / sq;
            double m = (pi + qi) / 2.0;
            js += RelativeEntropy(pi, m) + RelativeEntropy(qi, m);
        }

        js /= Math.Log(2.0);
        return Math.Clamp(Math.Sqrt(Math.Max(js / 2.0, 0.0)), 0.0, 1.0);
    }

    private static double RelativeEntropy(double x, double y) => x > 0 ? x * Math.Log(x / y) : 0.0;
}
