using System.Buffers;

namespace Keel.Monitoring.Statistics;

/// <summary>
/// Reference-quantile bins for the population stability index, fitted once from a reference sample
/// and reused to score any number of current samples.
/// </summary>
public sealed class PsiBins
{
    private readonly double[] _edges;
    private readonly double[] _referenceProportions;
    private readonly double _pseudoCount;

    private PsiBins(double[] edges, long[] referenceCounts, long referenceTotal, double pseudoCount)
    {
        _edges = edges;
        _pseudoCount = pseudoCount;
        ReferenceCount = referenceTotal;
        _referenceProportions = Smooth(referenceCounts, referenceTotal, pseudoCount);
    }

    /// <summary>Strictly increasing interior edges; bin b holds x with Edges[b-1] &lt; x ≤ Edges[b].</summary>
    public IReadOnlyList<double> Edges => _edges;

    /// <summary>Smoothed reference proportion of each bin (one more than the number of edges).</summary>
    public IReadOnlyList<double> ReferenceProportions => _referenceProportions;

    /// <summary>Reference values used for fitting (NaN excluded).</summary>
    public long ReferenceCount { get; }

    /// <summary>Fits bins at the reference quantiles j/k (NumPy's default linear interpolation), ignoring NaN.</summary>
    public static PsiBins Fit(ReadOnlySpan<double> reference, PsiOptions? options = null)
    {
        options ??= new PsiOptions();
        options.Validate();
        int count = SampleSorter.CopySortedWithoutNaN(reference, out double[] buffer);
        try
        {
            return FitSorted(buffer.AsSpan(0, count), options);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(buffer);
        }
    }

    /// <summary>Scores a current sample: Σ (c - r)·ln(c / r) over bins, NaN excluded; never infinite.</summary>
    public PsiResult Score(ReadOnlySpan<double> current)
    {
        int bins = _edges.Length + 1;
        Span<long> counts = bins <= 256 ? stackalloc long[bins] : new long[bins];
        long nan = BinCounter.Count(current, _edges, counts);
        long total = current.Length - nan;
        if (total == 0 || ReferenceCount == 0)
        {
            return new PsiResult(0.0, total, nan, IsSufficient: false);
        }

        double denominator = total + (_pseudoCount * bins);
        double psi = 0.0;
        for (int b = 0; b < bins; b++)
        {
            double c = (counts[b] + _pseudoCount) / denominator;
            double r = _referenceProportions[b];
            psi += (c - r) * Math.Log(c / r);
        }

        return new PsiResult(Math.Max(psi, 0.0), total, nan, IsSufficient: true);
    }

    private static PsiBins FitSorted(ReadOnlySpan<double> sorted, PsiOptions options)
    {
        var edges = new List<double>(options.BinCount);
        if (sorted.Length > 0)
        {
            for (int j = 1; j < options.BinCount; j++)
            {
                double edge = Quantile(sorted, j / (double)options.BinCount);
                if (edges.Count == 0 || edge > edges[^1])
                {
                    edges.Add(edge);
                }
            }
        }

        double[] edgeArray = [.. edges];
        long[] counts = new long[edgeArray.Length + 1];
        BinCounter.Count(sorted, edgeArray, counts);
        return new PsiBins(edgeArray, counts, sorted.Length, options.SmoothingPseudoCount);
    }

    // NumPy's 'linear' method, including its choice of interpolating from the nearer end.
    internal static double Quantile(ReadOnlySpan<double> sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(position);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        double t = position - lo;
        double a = sorted[lo];
        double b = sorted[hi];
        if (a == b)
        {
            return a;
        }

        double result = t >= 0.5 ? b - ((b - a) * (1.0 - t)) : a + ((b - a) * t);
        return double.IsNaN(result) ? b : result; // inf - inf: keep the upper neighbour.
    }

    private static double[] Smooth(long[] counts, long total, double pseudoCount)
    {
        double denominator = total + (pseudoCount * counts.Length);
        double[] proportions = new double[counts.Length];
        for (int b = 0; b < counts.Length; b++)
        {
            proportions[b] = (counts[b] + pseudoCount) / denominator;
        }

        return proportions;
    }
}
