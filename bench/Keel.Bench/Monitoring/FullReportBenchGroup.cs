using System.Diagnostics;
using Keel.Cli.Monitoring;
using Keel.Monitoring;
using Keel.Monitoring.Evaluation;
using Keel.Monitoring.Profiles;

namespace Keel.Bench.Monitoring;

/// <summary>
/// A full monitoring report on one window of 1M rows x 50 features (40 numeric, 10 categorical) against a
/// 100,000-row reference: profile the window, judge it, render the HTML report. Baseline, same run: sorting
/// every numeric column once (the least an exact, unsketched KS on each feature must do).
/// Memory: the process's peak working set, and its growth over the generated data.
/// </summary>
internal sealed class FullReportBenchGroup : IBenchGroup
{
    private const int Numeric = 40;
    private const int Categorical = 10;

    public string Name => "monitoring-report";

    public IEnumerable<Figure> Run(BenchContext context)
    {
        int rows = context.Quick ? 100_000 : 1_000_000;
        var random = new Random(20260301);
        ReferenceProfile reference = ReferenceProfileBuilder.Build(Columns(random, 100_000, 0), new ReferenceColumns(), "bench");
        List<DataColumn> window = Columns(random, rows, 0.05);
        var batch = new PredictionBatch { Count = rows, Features = window };
        // Aggressive: also hands back to the system the memory earlier groups freed (the hash
        // group's GiB), which a default collection keeps committed for reuse.
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        long before = process.WorkingSet64;
        ResetPeak();

        var clock = Stopwatch.StartNew();
        var profile = new WindowProfile(reference);
        profile.Add(batch);
        WindowReport report = WindowEvaluator.Evaluate(profile, new MonitorOptions(), 0, $"{rows} rows");
        var result = new MonitorResult { Model = "bench", Source = "memory", Window = $"{rows}rows", Rows = rows, Windows = [report], States = [report.Severity], State = report.Severity };
        string html = MonitorReportHtml.Render(reference, result, [profile]);
        double seconds = clock.Elapsed.TotalSeconds;
        process.Refresh();
        long peak = process.PeakWorkingSet64;

        clock.Restart();
        foreach (DataColumn c in window.Where(c => c.Numbers is not null))
        {
            double[] copy = [.. c.Numbers!];
            Array.Sort(copy);
        }

        double sortSeconds = clock.Elapsed.TotalSeconds;
        string label = $"full report {rows / 1000}k rows x 50 features ({html.Length / 1024} KiB html)";
        yield return new Figure(Name, label, seconds, "s", "Array.Sort of the 40 numeric columns", sortSeconds, seconds / sortSeconds, "< 5 s");
        yield return new Figure(Name, "peak working set (whole process)", peak / 1048576.0, "MiB", "working set holding the generated data", before / 1048576.0, peak / (double)before, "< 1024 MiB");
    }

    /// <summary>
    /// Starts the process's peak resident size (VmHWM) over from its current size, so groups run
    /// earlier in the process (the hash group holds 1 GiB) do not count as this report's peak.
    /// </summary>
    private static void ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (IOException)
        {
            // Not Linux, or not allowed: the peak then covers the whole process so far.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static List<DataColumn> Columns(Random random, int rows, double shift)
    {
        var columns = new List<DataColumn>();
        for (int f = 0; f < Numeric; f++)
        {
            double[] x = new double[rows];
            for (int i = 0; i < rows; i++)
            {
                double u1 = 1.0 - random.NextDouble();
                double u2 = random.NextDouble();
                x[i] = (f == 0 ? shift : 0) + (Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
            }

            columns.Add(DataColumn.OfNumbers($"n{f}", x));
        }

        string[] levels = [.. Enumerable.Range(0, 20).Select(i => $"level{i}")];
        for (int f = 0; f < Categorical; f++)
        {
            var c = new string?[rows];
            for (int i = 0; i < rows; i++)
            {
                c[i] = levels[Math.Min(19, (int)(-Math.Log(1 - random.NextDouble()) * 4))];
            }

            columns.Add(DataColumn.OfTexts($"c{f}", c));
        }

        return columns;
    }
}
