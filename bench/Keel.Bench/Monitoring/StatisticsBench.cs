using System.Diagnostics;
using Keel.Monitoring.Statistics;

namespace Keel.Bench.Monitoring;

/// <summary>
/// Times the drift statistics on 1M-value samples; compare with bench/monitoring_baseline.py
/// (SciPy ks_2samp, NumPy PSI) run on the same machine.
/// </summary>
public static class StatisticsBench
{
    private const int Size = 1_000_000;
    private const int Repetitions = 5;
    private const int Seed = 20260126;

    /// <summary>Best-of-5 wall times in seconds, after one warm-up run of each case.</summary>
    public static IReadOnlyList<(string Name, double Seconds)> Run()
    {
        var random = new Random(Seed);
        double[] reference = Normal(random, Size, 0.0);
        double[] current = Normal(random, Size, 0.05);
        double[] sortedReference = [.. reference];
        Array.Sort(sortedReference);
        PsiBins bins = PsiBins.Fit(reference);

        double sink = 0.0;
        var results = new List<(string Name, double Seconds)>
        {
            ("ks_2samp 1M vs 1M (pre-sorted reference)", Best(() => sink += KsTest.Compare(sortedReference, current).PValue)),
            ("psi 1M values, 10 pre-fitted bins", Best(() => sink += bins.Score(current).Value)),
            ("psi fit 1M reference, 10 bins", Best(() => sink += PsiBins.Fit(reference).Edges.Count)),
            ("wasserstein 1M vs 1M (both unsorted)", Best(() => sink += Wasserstein.Compare(reference, current).Distance)),
        };
        GC.KeepAlive(sink);
        return results;
    }

    private static double Best(Action action)
    {
        action();
        double best = double.MaxValue;
        for (int i = 0; i < Repetitions; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }

        return best;
    }

    private static double[] Normal(Random random, int n, double mean)
    {
        double[] values = new double[n];
        for (int i = 0; i < n; i++)
        {
            double u1 = 1.0 - random.NextDouble();
            double u2 = random.NextDouble();
            values[i] = mean + (Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
        }

        return values;
    }
}
