namespace Keel.Monitoring.Statistics;

/// <summary>
/// Benjamini-Hochberg adjusted p-values, as R's <c>p.adjust(p, "BH")</c> and statsmodels'
/// <c>multipletests(p, method='fdr_bh')</c>: adjusted p(i) = min over j ≥ i of m·p(j)/j, capped at 1.
/// </summary>
public static class BenjaminiHochberg
{
    /// <summary>Adjusts p-values in input order; a NaN p-value is treated as 1 (never significant).</summary>
    public static double[] Adjust(ReadOnlySpan<double> pValues)
    {
        int m = pValues.Length;
        double[] adjusted = new double[m];
        if (m == 0)
        {
            return adjusted;
        }

        double[] sorted = new double[m];
        int[] order = new int[m];
        for (int i = 0; i < m; i++)
        {
            sorted[i] = double.IsNaN(pValues[i]) ? 1.0 : Math.Clamp(pValues[i], 0.0, 1.0);
            order[i] = i;
        }

        Array.Sort(sorted, order); // Introsort is unstable, but equal p-values get equal adjustments anyway.
        double running = 1.0;
        for (int rank = m; rank >= 1; rank--)
        {
            running = Math.Min(running, sorted[rank - 1] * m / rank);
            adjusted[order[rank - 1]] = running;
        }

        return adjusted;
    }
}
