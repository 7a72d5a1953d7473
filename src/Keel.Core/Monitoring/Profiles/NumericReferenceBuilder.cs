using Keel.Monitoring.Statistics;

namespace Keel.Monitoring.Profiles;

/// <summary>Builds a <see cref="NumericReference"/>: quantile bins (deciles for PSI among them), moments, and the sorted values when few enough.</summary>
internal static class NumericReferenceBuilder
{
    public const int PsiBinCount = 10;

    /// <summary>Profiles the values; NaN is missing (an unparseable cell arrives as NaN, so it is counted once).</summary>
    public static NumericReference Build(ReadOnlySpan<double> values, ProfileOptions options)
    {
        long missing = 0;
        long nonFinite = 0;
        var finite = new double[values.Length];
        int n = 0;
        foreach (double x in values)
        {
            if (double.IsNaN(x))
            {
                missing++;
            }
            else if (double.IsInfinity(x))
            {
                nonFinite++;
            }
            else
            {
                finite[n++] = x + 0.0;
            }
        }

        Span<double> sorted = finite.AsSpan(0, n);
        SampleSorter.Sort(sorted);
        if (n == 0)
        {
            return new NumericReference { Missing = missing, NonFinite = nonFinite, BinCounts = [0], BinSums = [0] };
        }

        double[] psiEdges = QuantileEdges(sorted, PsiBinCount);
        double[] edges = [.. QuantileEdges(sorted, options.FineBinCount).Concat(psiEdges).Distinct().Order()];
        long[] counts = new long[edges.Length + 1];
        double[] sums = new double[edges.Length + 1];
        int bin = 0;
        foreach (double x in sorted)
        {
            while (bin < edges.Length && x > edges[bin])
            {
                bin++;
            }

            counts[bin]++;
            sums[bin] += x;
        }

        var (mean, sd) = Spread.Moments(sorted, []);

        return new NumericReference
        {
            Count = n,
            Missing = missing,
            NonFinite = nonFinite,
            Min = sorted[0],
            Max = sorted[^1],
            Mean = mean,
            StandardDeviation = sd,
            Edges = edges,
            BinCounts = counts,
            BinSums = sums,
            PsiEdges = psiEdges,
            SortedValues = n <= options.MaxExactReferenceValues ? sorted.ToArray() : null,
        };
    }

    /// <summary>Distinct reference quantiles j/k, j = 1..k-1, with NumPy's linear rule (as <see cref="PsiBins"/>).</summary>
    public static double[] QuantileEdges(ReadOnlySpan<double> sorted, int k)
    {
        var edges = new List<double>(k);
        for (int j = 1; j < k; j++)
        {
            double edge = PsiBins.Quantile(sorted, j / (double)k);
            if (edges.Count == 0 || edge > edges[^1])
            {
                edges.Add(edge);
            }
        }

        return [.. edges];
    }
}
