using Keel.Monitoring.Profiles;
using Keel.Monitoring.Statistics;

namespace Keel.Monitoring.Evaluation;

/// <summary>
/// KS, PSI and normalised Wasserstein of a window's numeric sketch against its reference. Exact (SciPy's
/// rules) when both sides kept their values; otherwise on the reference's quantile bins, where the KS
/// statistic is low by at most the largest bin mass and Wasserstein places each bin's mass at its mean.
/// </summary>
internal static class NumericDrift
{
    private const double PsiPseudoCount = 0.5;

    public sealed record Result(string Method, double Statistic, double PValue, double Psi, double Wasserstein, long ReferenceCount, long CurrentCount)
    {
        public bool IsSufficient => ReferenceCount > 0 && CurrentCount > 0;
    }

    public static Result Compute(NumericReference reference, NumericSketch window)
    {
        double psi = Psi(reference, window);
        if (reference.Count == 0 || window.Count == 0)
        {
            return new Result("none", 0, 1, 0, 0, reference.Count, window.Count);
        }

        if (reference.SortedValues is { } sorted && window.Exact is { } exact)
        {
            double[] current = [.. exact];
            KsResult ks = KsTest.Compare(sorted, current);
            WassersteinResult w = Statistics.Wasserstein.Compare(sorted, current);
            return new Result(ks.MethodUsed == KsMethod.Exact ? "exact" : "asymptotic", ks.Statistic, ks.PValue, psi, w.NormalizedDistance, reference.Count, window.Count);
        }

        double d = BinnedKs(reference.BinCounts, reference.Count, window.Counts, window.Count);
        double en = (double)reference.Count * window.Count / (reference.Count + window.Count);
        int n = (int)Math.Clamp(Math.Round(en, MidpointRounding.ToEven), 1, int.MaxValue);
        double p = Math.Clamp(KolmogorovFiniteDistribution.Sf(n, d), 0, 1);
        double wasserstein = BinnedWasserstein(reference, window);
        return new Result("binned", d, double.IsNaN(p) ? 1 : p, psi, wasserstein, reference.Count, window.Count);
    }

    private static double BinnedKs(long[] reference, long nr, long[] current, long nc)
    {
        long r = 0;
        long c = 0;
        double max = 0;
        for (int b = 0; b < reference.Length; b++)
        {
            r += reference[b];
            c += current[b];
            max = Math.Max(max, Math.Abs((r / (double)nr) - (c / (double)nc)));
        }

        return max;
    }

    // ∫|F_r - F_c| with each bin's mass placed at the mean of its values (both sides sorted by bin).
    private static double BinnedWasserstein(NumericReference reference, NumericSketch window)
    {
        var atoms = new List<(double X, double Dr, double Dc)>(2 * reference.BinCounts.Length);
        for (int b = 0; b < reference.BinCounts.Length; b++)
        {
            if (reference.BinCounts[b] > 0)
            {
                atoms.Add((reference.BinSums[b] / reference.BinCounts[b], reference.BinCounts[b] / (double)reference.Count, 0));
            }

            if (window.Counts[b] > 0)
            {
                atoms.Add((window.Sums[b] / window.Counts[b], 0, window.Counts[b] / (double)window.Count));
            }
        }

        atoms.Sort((a, b) => a.X.CompareTo(b.X));

        // The area on positions scaled by a power of two (exact), so huge values cannot overflow it.
        double unit = atoms.Count == 0 ? 1 : Spread.PowerOfTwoAbove(Math.Max(Math.Abs(atoms[0].X), Math.Abs(atoms[^1].X)));
        double fr = 0, fc = 0, area = 0;
        for (int i = 0; i < atoms.Count; i++)
        {
            fr += atoms[i].Dr;
            fc += atoms[i].Dc;
            if (i + 1 < atoms.Count)
            {
                area += Math.Abs(fr - fc) * ((atoms[i + 1].X / unit) - (atoms[i].X / unit));
            }
        }

        double scale = reference.StandardDeviation;
        if (!(scale > 0))
        {
            // A constant reference: scale by the window's spread so the result stays finite (0 when both are the same constant).
            double mean = window.Sum / window.Count;
            scale = Math.Max(Math.Abs(window.Max - mean), Math.Abs(window.Min - mean));
        }

        double normalized = area > 0 && scale > 0 ? area / (scale / unit) : 0;
        return double.IsNaN(normalized) ? 0 : Math.Min(normalized, double.MaxValue);
    }

    // PSI on the reference deciles, aggregated from the fine bins (every decile edge is a fine edge).
    private static double Psi(NumericReference reference, NumericSketch window)
    {
        if (reference.Count == 0 || window.Count == 0)
        {
            return 0;
        }

        int k = reference.PsiEdges.Length + 1;
        double[] r = new double[k];
        double[] c = new double[k];
        for (int b = 0; b < reference.BinCounts.Length; b++)
        {
            int j = b < reference.Edges.Length ? Array.BinarySearch(reference.PsiEdges, reference.Edges[b]) : k - 1;
            j = j >= 0 ? j : ~j;
            r[j] += reference.BinCounts[b];
            c[j] += window.Counts[b];
        }

        double psi = 0;
        for (int j = 0; j < k; j++)
        {
            double pr = (r[j] + PsiPseudoCount) / (reference.Count + (PsiPseudoCount * k));
            double pc = (c[j] + PsiPseudoCount) / (window.Count + (PsiPseudoCount * k));
            psi += (pc - pr) * Math.Log(pc / pr);
        }

        return double.IsFinite(psi) ? Math.Max(psi, 0) : 0;
    }
}
