using System.Diagnostics;
using System.Net.Http.Headers;

namespace Keel.Bench.Serving;

/// <summary>An in-process closed-loop load generator: N connections, each sending the next request when the last answered.</summary>
internal static class LoadGenerator
{
    public sealed record Result(long Requests, long Failures, double Seconds, double P50Ms, double P99Ms)
    {
        public double PerSecond => Requests / Seconds;
    }

    /// <summary>Runs the load; without <paramref name="keepLatencies"/> only requests are counted (no per-request memory) and the percentiles are NaN.</summary>
    public static async Task<Result> RunAsync(Uri url, byte[] body, int connections, TimeSpan duration, bool keepLatencies = true)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, UseProxy = false };
        using var client = new HttpClient(handler);
        // Warm-up: JIT, pools, connections.
        for (var i = 0; i < 3000; i++) await SendAsync(client, url, body).ConfigureAwait(false);
        var latencies = new List<double>[connections];
        long failures = 0;
        long requests = 0;
        var stop = Stopwatch.StartNew();
        var tasks = Enumerable.Range(0, connections).Select(c => Task.Run(async () =>
        {
            var mine = latencies[c] = new List<double>(keepLatencies ? 1 << 16 : 0);
            while (stop.Elapsed < duration)
            {
                var start = Stopwatch.GetTimestamp();
                if (!await SendAsync(client, url, body).ConfigureAwait(false)) Interlocked.Increment(ref failures);
                Interlocked.Increment(ref requests);
                if (keepLatencies) mine.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
        })).ToArray();
        await Task.WhenAll(tasks).ConfigureAwait(false);
        var seconds = stop.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).ToArray();
        Array.Sort(all);
        if (all.Length == 0) return new Result(requests, failures, seconds, double.NaN, double.NaN);
        return new Result(requests, failures, seconds, all[all.Length / 2], all[Math.Min(all.Length - 1, (int)(all.Length * 0.99))]);
    }

    private static async Task<bool> SendAsync(HttpClient client, Uri url, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await client.PostAsync(url, content).ConfigureAwait(false);
        await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
        return response.IsSuccessStatusCode;
    }
}
