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

        // On values scaled by a power of two (exact), so neither the area nor the moments overflow near 1e308.
        double scale = Spread.Scale(a, b);
        double scaledDistance = Distance(a, b, 1.0 / scale);
        double referenceStd = Spread.Moments(a, []).StandardDeviation / scale;
        double std = referenceStd > 0 ? referenceStd : Spread.Moments(a, b).StandardDeviation / scale;
        double normalized = scaledDistance > 0 && std > 0 ? scaledDistance / std : 0.0;
        return new WassersteinResult(Finite(scaledDistance * scale), Finite(normalized), Finite(referenceStd * scale), a.Length, b.Length, excluded);
    }

    // ∫ |F_a - F_b| as a merge walk: between consecutive distinct values both ECDFs are constant.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Distance(ReadOnlySpan<double> a, ReadOnlySpan<double> b, double inverseScale)
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
            area += Math.Abs((i * n2) - (j * n1)) * ((next * inverseScale) - (x * inverseScale));
            x = next;
        }

        return area / ((double)n1 * n2);
    }

    private static double Finite(double x) => double.IsNaN(x) ? 0.0 : Math.Clamp(x, 0.0, double.MaxValue);
}
