using System.Diagnostics;

namespace Keel.Bench.Serving;

/// <summary>
/// Samples this process's resident memory and managed heap while a load runs, to show the
/// server's memory is flat under steady load. The server, its capture writer and the load
/// generator share the process (the bench is in-process), and the generator keeps no
/// per-request state in this mode, so growth here is the server's.
/// </summary>
internal static class MemoryRun
{
    public sealed record Sample(double Seconds, double RssMb, double HeapMb);

    public sealed record Series(double Start, double End, double Peak, double SlopePerMinute);

    public static async Task<(LoadGenerator.Result Load, Series Rss, Series Heap, List<Sample> Samples)> RunAsync(Uri url, byte[] body, TimeSpan duration, TimeSpan every)
    {
        var samples = new List<Sample>();
        using var stop = new CancellationTokenSource();
        var clock = Stopwatch.StartNew();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                samples.Add(Take(clock));
                try
                {
                    await Task.Delay(every, stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });
        var load = await LoadGenerator.RunAsync(url, body, 2, duration, keepLatencies: false).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        await sampler.ConfigureAwait(false);
        samples.Add(Take(clock));
        return (load, Summarise(samples, s => s.RssMb), Summarise(samples, s => s.HeapMb), samples);
    }

    private static Sample Take(Stopwatch clock)
    {
        using var self = Process.GetCurrentProcess();
        // The heap as the last collection left it: live data and fragmentation, not garbage waiting for the next gen0.
        var heap = GC.GetGCMemoryInfo().HeapSizeBytes;
        return new Sample(clock.Elapsed.TotalSeconds, self.WorkingSet64 / 1048576.0, heap / 1048576.0);
    }

    private static Series Summarise(List<Sample> samples, Func<Sample, double> value)
    {
        var xs = samples.Select(s => s.Seconds).ToArray();
        var ys = samples.Select(value).ToArray();
        var mx = xs.Average();
        var my = ys.Average();
        var sxx = xs.Sum(x => (x - mx) * (x - mx));
        var slope = sxx == 0 ? 0 : xs.Zip(ys, (x, y) => (x - mx) * (y - my)).Sum() / sxx;
        return new Series(ys[0], ys[^1], ys.Max(), slope * 60);
    }
}
