using System.Buffers;
using System.Runtime.CompilerServices;

namespace Keel.Monitoring.Statistics;

/// <summary>
/// Wasserstein-1 (earth mover's) distance, as SciPy's <c>wasserstein_distance(u, v)</c>, normalised by the
/// reference standard deviation. When the reference is constant the pooled standard deviation of both
/// samples is used instead: it is positive whenever the distance is, so the result stays finite, and it
/// is 0 when both samples are the same constant.
/// </summary>
public static class Wasserstein
{
    /// <summary>Compares two unsorted samples; NaN and infinities are excluded and counted.</summary>
    public static WassersteinResult Compare(ReadOnlySpan<double> reference, ReadOnlySpan<double> current)
    {
        int n1 = SampleSorter.CopySortedFinite(reference, out double[] a);
        int n2 = SampleSorter.CopySortedFinite(current, out double[] b);
        try
        {
            int excluded = reference.Length - n1 + current.Length - n2;
            return CompareSorted(a.AsSpan(0, n1), b.AsSpan(0, n2), excluded);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(a);
            ArrayPool<double>.Shared.Return(b);
        }
    }

    private static WassersteinResult CompareSorted(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int excluded)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            return new WassersteinResult(0.0, 0.0, 0.0, a.Length, b.Length, excluded);
        }

        double distance = Distance(a, b);
        double referenceStd = StandardDeviation(a, b[..0]);
        double scale = referenceStd > 0 ? referenceStd : StandardDeviation(a, b);
        double normalized = distance > 0 && scale > 0 ? distance / scale : 0.0;
        return new WassersteinResult(Finite(distance), Finite(normalized), Finite(referenceStd), a.Length, b.Length, excluded);
    }

    // ∫ |F_a - F_b| as a merge walk: between consecutive distinct values both ECDFs are constant.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Distance(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        long n1 = a.Length;
        long n2 = b.Length;
        int i = 0;
        int j = 0;
        double area = 0.0;
        double x = Math.Min(a[0], b[0]);
        while (i < a.Length || j < b.Length)
        {
            while (i < a.Length && a[i] <= x)
            {
                i++;
            }

            while (j < b.Length && b[j] <= x)
            {
                j++;
            }

            if (i == a.Length && j == b.Length)
            {
                break;
            }

            double next = Math.Min(i < a.Length ? a[i] : double.PositiveInfinity, j < b.Length ? b[j] : double.PositiveInfinity);
            area += Math.Abs((i * n2) - (j * n1)) * (next - x);
            x = next;
        }

        return area / ((double)n1 * n2);
    }

    // Population standard deviation of the concatenation of two samples, two-pass for accuracy.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double StandardDeviation(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double n = a.Length + b.Length;
        double sum = 0.0;
        foreach (double x in a)
        {
            sum += x;
        }

        foreach (double x in b)
        {
            sum += x;
        }

        double mean = sum / n;
        double squares = 0.0;
        foreach (double x in a)
        {
            squares += (x - mean) * (x - mean);
        }

        foreach (double x in b)
        {
            squares += (x - mean) * (x - mean);
        }

        return Math.Sqrt(squares / n);
    }

    private static double Finite(double x) => double.IsNaN(x) ? 0.0 : Math.Clamp(x, 0.0, double.MaxValue);
}
