namespace Keel.Monitoring.Statistics;

/// <summary>
/// Chi-square test of homogeneity for reference vs current category counts, matching SciPy's
/// <c>chi2_contingency</c>. SciPy's default <c>correction=True</c> applies Yates' continuity correction
/// only when the table has one degree of freedom (2 x 2); Keel defaults to no correction, i.e.
/// <c>correction=False</c>, and offers Yates as an option with SciPy's exact rule.
/// Columns empty in both rows are dropped (SciPy would reject them).
/// </summary>
public static class ChiSquareTest
{
    /// <summary>Tests whether two count vectors over the same categories come from one distribution.</summary>
    public static ChiSquareResult Homogeneity(ReadOnlySpan<long> reference, ReadOnlySpan<long> current, bool yatesCorrection = false)
    {
        if (reference.Length != current.Length)
        {
            throw new ArgumentException("Reference and current counts must cover the same categories.", nameof(current));
        }

        long r = 0;
        long c = 0;
        int columns = 0;
        for (int j = 0; j < reference.Length; j++)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(reference[j], nameof(reference));
            ArgumentOutOfRangeException.ThrowIfNegative(current[j], nameof(current));
            r += reference[j];
            c += current[j];
            if (reference[j] + current[j] > 0)
            {
                columns++;
            }
        }

        if (r == 0 || c == 0 || columns < 2)
        {
            return new ChiSquareResult(0.0, 1.0, Math.Max(columns - 1, 0), 0.0, r, c);
        }

        double total = (double)r + c;
        int dof = columns - 1;
        double plain = 0.0;
        double corrected = 0.0;
        for (int j = 0; j < reference.Length; j++)
        {
            double column = reference[j] + current[j];
            if (column == 0)
            {
                continue;
            }

            plain += Term(reference[j], r * column / total, correct: false) + Term(current[j], c * column / total, correct: false);
            corrected += Term(reference[j], r * column / total, correct: true) + Term(current[j], c * column / total, correct: true);
        }

        double statistic = yatesCorrection && dof == 1 ? corrected : plain;
        double v = Math.Clamp(Math.Sqrt(plain / total), 0.0, 1.0);
        return new ChiSquareResult(statistic, ChiSquareDistribution.Sf(statistic, dof), dof, v, r, c);
    }

    private static double Term(double observed, double expected, bool correct)
    {
        double diff = expected - observed;
        if (correct)
        {
            // Yates: move each observation up to 0.5 towards its expectation.
            observed += Math.Sign(diff) * Math.Min(0.5, Math.Abs(diff));
        }

        double deviation = observed - expected;
        return deviation * deviation / expected;
    }
}
