using System.Numerics;
using System.Runtime.CompilerServices;

namespace Keel.Monitoring.Statistics;

/// <summary>
/// Counts values per bin for strictly increasing edges; bin b holds x with edges[b-1] &lt; x ≤ edges[b]
/// (NumPy's <c>searchsorted(edges, x, side='left')</c>).
/// </summary>
internal static class BinCounter
{
    // Up to this many edges, one SIMD pass comparing every value with every edge beats a binary search.
    private const int MaxEdgesForLinearScan = 32;

    /// <summary>Fills <paramref name="counts"/> (length edges + 1) and returns the number of NaN values skipped.</summary>
    public static long Count(ReadOnlySpan<double> values, ReadOnlySpan<double> edges, Span<long> counts)
    {
        counts.Clear();
        return edges.Length <= MaxEdgesForLinearScan && Vector.IsHardwareAccelerated
            ? CountByComparison(values, edges, counts)
            : CountByBinarySearch(values, edges, counts);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long CountByComparison(ReadOnlySpan<double> values, ReadOnlySpan<double> edges, Span<long> counts)
    {
        int k = edges.Length;
        Span<Vector<long>> above = stackalloc Vector<long>[Math.Max(k, 1)];
        Span<Vector<double>> edgeVectors = stackalloc Vector<double>[Math.Max(k, 1)];
        above.Clear();
        for (int e = 0; e < k; e++)
        {
            edgeVectors[e] = new Vector<double>(edges[e]);
        }

        Vector<long> valid = Vector<long>.Zero;
        int width = Vector<double>.Count;
        int i = 0;
        for (; i <= values.Length - width; i += width)
        {
            var v = new Vector<double>(values.Slice(i, width));
            valid -= Vector.Equals(v, v); // Comparison masks are -1 per true lane; NaN never equals itself.
            for (int e = 0; e < k; e++)
            {
                above[e] -= Vector.GreaterThan(v, edgeVectors[e]);
            }
        }

        long validCount = Vector.Sum(valid);
        Span<long> aboveCounts = stackalloc long[Math.Max(k, 1)];
        for (int e = 0; e < k; e++)
        {
            aboveCounts[e] = Vector.Sum(above[e]);
        }

        for (; i < values.Length; i++)
        {
            double x = values[i];
            if (double.IsNaN(x))
            {
                continue;
            }

            validCount++;
            for (int e = 0; e < k; e++)
            {
                if (x > edges[e])
                {
                    aboveCounts[e]++;
                }
            }
        }

        if (k == 0)
        {
            counts[0] = validCount;
            return values.Length - validCount;
        }

        counts[0] = validCount - aboveCounts[0];
        for (int e = 1; e < k; e++)
        {
            counts[e] = aboveCounts[e - 1] - aboveCounts[e];
        }

        counts[k] = aboveCounts[k - 1];
        return values.Length - validCount;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long CountByBinarySearch(ReadOnlySpan<double> values, ReadOnlySpan<double> edges, Span<long> counts)
    {
        long nan = 0;
        foreach (double x in values)
        {
            if (double.IsNaN(x))
            {
                nan++;
                continue;
            }

            int lo = 0;
            int hi = edges.Length;
            while (lo < hi)
            {
                int mid = (lo + hi) >>> 1;
                if (edges[mid] < x)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            counts[lo]++;
        }

        return nan;
    }
}
