using System.Buffers;
using System.Runtime.CompilerServices;

namespace Keel.Monitoring.Statistics;

/// <summary>Two-sample Kolmogorov-Smirnov test, two-sided, matching SciPy's <c>ks_2samp</c>.</summary>
public static class KsTest
{
    /// <summary>SciPy's 'auto' rule: exact when the larger sample has at most this many values.</summary>
    public const int MaxAutoExactSize = 10_000;

    /// <summary>
    /// Compares a reference sorted ascending (NaN allowed only at either end, as Array.Sort leaves them)
    /// with an unsorted current sample; NaN is excluded from both and counted.
    /// </summary>
    public static KsResult Compare(ReadOnlySpan<double> sortedReference, ReadOnlySpan<double> current, KsMethod method = KsMethod.Auto)
    {
        int excluded = 0;
        ReadOnlySpan<double> reference = TrimNaN(sortedReference, ref excluded);
        EnsureSorted(reference);
        int currentCount = SampleSorter.CopySortedWithoutNaN(current, out double[] buffer);
        try
        {
            excluded += current.Length - currentCount;
            return CompareSorted(reference, buffer.AsSpan(0, currentCount), excluded, method);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(buffer);
        }
    }

    /// <summary>Compares two unsorted samples (both are copied and sorted); NaN is excluded and counted.</summary>
    public static KsResult CompareUnsorted(ReadOnlySpan<double> reference, ReadOnlySpan<double> current, KsMethod method = KsMethod.Auto)
    {
        int referenceCount = SampleSorter.CopySortedWithoutNaN(reference, out double[] referenceBuffer);
        try
        {
            KsResult result = Compare(referenceBuffer.AsSpan(0, referenceCount), current, method);
            return result with { ExcludedNaN = result.ExcludedNaN + reference.Length - referenceCount };
        }
        finally
        {
            ArrayPool<double>.Shared.Return(referenceBuffer);
        }
    }

    private static KsResult CompareSorted(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int excluded, KsMethod method)
    {
        int n1 = a.Length;
        int n2 = b.Length;
        if (n1 == 0 || n2 == 0)
        {
            return new KsResult(0.0, 1.0, n1, n2, excluded, method == KsMethod.Asymptotic ? KsMethod.Asymptotic : KsMethod.Exact);
        }

        // The ECDF difference scaled by n1*n2 is the integer i*n2 - j*n1, so D is exact.
        long maxScaled = MaxScaledDifference(a, b);
        long g = KsExactDistribution.Gcd(n1, n2);
        double lcm = (double)(n1 / g) * n2;
        long h = maxScaled / g;
        double d = h / lcm;

        KsMethod mode = method;
        if (mode == KsMethod.Auto)
        {
            mode = Math.Max(n1, n2) <= MaxAutoExactSize ? KsMethod.Exact : KsMethod.Asymptotic;
        }
        else if (mode == KsMethod.Exact && n1 / g >= int.MaxValue / (double)(n2 / g))
        {
            mode = KsMethod.Asymptotic;
        }

        if (mode == KsMethod.Exact)
        {
            double? exact = KsExactDistribution.TwoSidedSf(n1, n2, h);
            if (exact is double p)
            {
                return new KsResult(d, p, n1, n2, excluded, KsMethod.Exact);
            }
        }

        // SciPy evaluates kstwo.sf(D, round(en)); it returns NaN when en rounds to 0 (1 vs 1), Keel uses n = 1.
        double en = (double)n1 * n2 / ((double)n1 + n2);
        int effectiveN = (int)Math.Max(1.0, Math.Round(en, MidpointRounding.ToEven));
        double asymptotic = KolmogorovFiniteDistribution.Sf(effectiveN, d);
        return new KsResult(d, asymptotic, n1, n2, excluded, KsMethod.Asymptotic);
    }

    // Merge walk over both sorted samples; at each distinct value both sides step past all ties.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long MaxScaledDifference(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        long n1 = a.Length;
        long n2 = b.Length;
        int i = 0;
        int j = 0;
        long max = 0;
        while (i < a.Length && j < b.Length)
        {
            double x = Math.Min(a[i], b[j]);
            while (i < a.Length && a[i] <= x)
            {
                i++;
            }

            while (j < b.Length && b[j] <= x)
            {
                j++;
            }

            long diff = Math.Abs((i * n2) - (j * n1));
            if (diff > max)
            {
                max = diff;
            }
        }

        // Once one side is exhausted the difference moves monotonically to 0: the tail adds nothing new.
        return max;
    }

    private static ReadOnlySpan<double> TrimNaN(ReadOnlySpan<double> sorted, ref int excluded)
    {
        int start = 0;
        int end = sorted.Length;
        while (start < end && double.IsNaN(sorted[start]))
        {
            start++;
        }

        while (end > start && double.IsNaN(sorted[end - 1]))
        {
            end--;
        }

        excluded += sorted.Length - (end - start);
        return sorted[start..end];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void EnsureSorted(ReadOnlySpan<double> sorted)
    {
        for (int i = 1; i < sorted.Length; i++)
        {
            if (!(sorted[i - 1] <= sorted[i]))
            {
                throw new ArgumentException("The reference must be sorted ascending and contain NaN only at its ends.", nameof(sorted));
            }
        }
    }
}
