using System.Diagnostics;
using System.Text;
using Keel.Models.Registration;
using Keel.Server;
using Keel.Tests.Shared;
using Keel.Workspaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Bench.Serving;

/// <summary>
/// Serving figures on loopback with an in-process load generator at 2 connections: predict (capture
/// on) against the same server's constant-JSON endpoint; capture on against off; p99; and
/// rows/s for 1,000-row batches; and memory (RSS, managed heap) sampled every second over a 60 s
/// load (10 s with --quick). The model is a small FastTree binary classifier.
/// </summary>
internal sealed class ServingBench : IBenchGroup
{
    public string Name => "serving";

    public IEnumerable<Figure> Run(BenchContext context) => RunAsync(context).GetAwaiter().GetResult();

    private async Task<List<Figure>> RunAsync(BenchContext context)
    {
        var root = context.FreshWorkspace("serving");
        using var ws = Workspace.Open(root, TimeProvider.System);
        TinyChurnModel.Train(Path.Combine(root, "data"));
        await ModelRegistrar.RegisterAsync(ws, new RegisterRequest("tiny", null, "data/model.zip", null, "data/train.csv", null, null, null, null, root), CancellationToken.None).ConfigureAwait(false);
        var duration = TimeSpan.FromSeconds(context.Quick ? 1 : 3);
        var one = Encoding.UTF8.GetBytes("""{"tenure": 12.5, "charges": 70.2, "contract": "monthly"}""");
        var batch = Encoding.UTF8.GetBytes("{\"rows\": [" + string.Join(',', Enumerable.Range(0, 1000).Select(i => $"{{\"tenure\": {i % 72}, \"charges\": {20 + (i % 100)}, \"contract\": \"{(i % 3 == 0 ? "monthly" : i % 3 == 1 ? "yearly" : "two-year")}\"}}")) + "]}");

        // Both servers live at once and the three single-row measurements are interleaved over
        // rounds (median per figure), so a noisy machine hits all of them alike.
        var on = await StartAsync(ws, capture: true).ConfigureAwait(false);
        var off = await StartAsync(ws, capture: false).ConfigureAwait(false);
        LoadGenerator.Result constant, captured, uncaptured, batched;
        (LoadGenerator.Result Load, MemoryRun.Series Rss, MemoryRun.Series Heap, List<MemoryRun.Sample> Samples) memory;
        var memorySeconds = context.Quick ? 10 : 60;
        try
        {
            var onUrl = Address(on);
            var offUrl = Address(off);
            // Short rounds, many of them: the machine's load drifts over seconds (other work shares its
            // two cores), and 1 s slices taken in turn put the three measurements under the same load.
            var rounds = context.Quick ? 3 : 15;
            var slice = TimeSpan.FromSeconds(1);
            // Warm-up before any round: a server runs for hours, so what is measured is code past
            // tiered compilation. The capture path's rarer work (cutting a segment every 10,000 rows,
            // a few times a second here) needs some 30 calls per method, i.e. 10-20 s of load, to get
            // there; without this the first rounds measure the JIT (seen: 1-2 s of JIT time in a 3 s
            // round of capture on). All three endpoints are warmed alike.
            var warm = Stopwatch.StartNew();
            for (var pass = 0; pass < (context.Quick ? 1 : 3); pass++)
            {
                await LoadGenerator.RunAsync(new Uri(onUrl, "/v1/ping"), one, 2, duration, keepLatencies: false).ConfigureAwait(false);
                await LoadGenerator.RunAsync(new Uri(onUrl, "/v1/models/tiny/predict"), one, 2, duration * 2, keepLatencies: false).ConfigureAwait(false);
                await LoadGenerator.RunAsync(new Uri(offUrl, "/v1/models/tiny/predict"), one, 2, duration, keepLatencies: false).ConfigureAwait(false);
            }
            Console.Error.WriteLine($"serving warm-up: {warm.Elapsed.TotalSeconds:0} s of load, {System.Runtime.JitInfo.GetCompiledMethodCount()} methods compiled so far");
            var c = new List<LoadGenerator.Result>();
            var p = new List<LoadGenerator.Result>();
            var u = new List<LoadGenerator.Result>();
            for (var r = 0; r < rounds; r++)
            {
                c.Add(await LoadGenerator.RunAsync(new Uri(onUrl, "/v1/ping"), one, 2, slice).ConfigureAwait(false));
                p.Add(await LoadGenerator.RunAsync(new Uri(onUrl, "/v1/models/tiny/predict"), one, 2, slice).ConfigureAwait(false));
                u.Add(await LoadGenerator.RunAsync(new Uri(offUrl, "/v1/models/tiny/predict"), one, 2, slice).ConfigureAwait(false));
                Console.Error.WriteLine($"serving round {r + 1}: constant {c[^1].PerSecond:0}, capture on {p[^1].PerSecond:0} (p99 {p[^1].P99Ms:0.00} ms), capture off {u[^1].PerSecond:0} req/s; ratios {p[^1].PerSecond / c[^1].PerSecond:0.00}, {p[^1].PerSecond / u[^1].PerSecond:0.00}");
            }
            constant = Median(c);
            captured = Median(p);
            uncaptured = Median(u);
            batched = await LoadGenerator.RunAsync(new Uri(onUrl, "/v1/models/tiny/predict"), batch, 2, duration).ConfigureAwait(false);
            // Memory under a steady single-row load with capture on (segments cut every 10,000 rows): 60 s, 10 s with --quick.
            memory = await MemoryRun.RunAsync(new Uri(onUrl, "/v1/models/tiny/predict"), one, TimeSpan.FromSeconds(memorySeconds), TimeSpan.FromSeconds(1)).ConfigureAwait(false);
            Console.Error.WriteLine($"serving memory samples (s, RSS MB, heap MB): {string.Join("  ", memory.Samples.Select(m => $"{m.Seconds:0},{m.RssMb:0},{m.HeapMb:0.0}"))}");
            Console.Error.WriteLine($"serving memory run: {memory.Load.PerSecond:0} req/s, {memory.Load.Failures} failures");
            await on.StopAsync().ConfigureAwait(false);
            await off.StopAsync().ConfigureAwait(false);
            await KeelServer.DrainCaptureAsync(on.Services, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            await on.DisposeAsync().ConfigureAwait(false);
            await off.DisposeAsync().ConfigureAwait(false);
        }
        return
        [
            new(Name, "predict req/s, capture on, 2 connections", captured.PerSecond, "req/s", "constant-JSON POST, same server", constant.PerSecond, captured.PerSecond / constant.PerSecond, ">= 0.8"),
            new(Name, "predict req/s, capture on vs off", captured.PerSecond, "req/s", "capture off", uncaptured.PerSecond, captured.PerSecond / uncaptured.PerSecond, ">= 0.9"),
            new(Name, "predict p99 latency, 2 connections", captured.P99Ms, "ms", "2 ms budget", 2, captured.P99Ms / 2, "< 1 (p99 < 2 ms)"),
            new(Name, "batch predict, 1,000 rows/request", batched.PerSecond * 1000, "rows/s", "single-row predict rows/s", captured.PerSecond, batched.PerSecond * 1000 / captured.PerSecond),
            new(Name, $"RSS after {memorySeconds} s of predict load (peak {memory.Rss.Peak:0} MB, slope {memory.Rss.SlopePerMinute:+0.0;-0.0} MB/min)", memory.Rss.End, "MB", "RSS at its start", memory.Rss.Start, memory.Rss.End / memory.Rss.Start, "flat: <= 1.10"),
            new(Name, $"managed heap after {memorySeconds} s of predict load (peak {memory.Heap.Peak:0.0} MB, slope {memory.Heap.SlopePerMinute:+0.0;-0.0} MB/min)", memory.Heap.End, "MB", "heap at its start", memory.Heap.Start, memory.Heap.End / memory.Heap.Start, "flat: <= 1.10"),
        ];
    }

    private static LoadGenerator.Result Median(List<LoadGenerator.Result> results) =>
        results.OrderBy(r => r.PerSecond).ElementAt(results.Count / 2);

    private static async Task<WebApplication> StartAsync(Workspace ws, bool capture)
    {
        var options = new ServingOptions { Port = 0, Capture = capture };
        options.Models.Add("tiny@1");
        var app = await KeelServer.BuildAsync(options, ws, CancellationToken.None).ConfigureAwait(false);
        await app.StartAsync().ConfigureAwait(false);
        return app;
    }

    private static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
}
