using System.CommandLine;
using Keel.Tracking;

namespace Keel.Cli.Commands;

/// <summary><c>keel metrics history RUN KEY [--plot FILE.png|.svg]</c></summary>
internal static class MetricsCommand
{
    public static void AddTo(RootCommand root)
    {
        var run = new Argument<string>("run") { Description = "a run id or a unique prefix of it" };
        var key = new Argument<string>("key") { Description = "the metric key" };
        var plot = new Option<string?>("--plot") { Description = "also draw the history as a chart: FILE.png or FILE.svg" };
        var json = CliContext.JsonOption();
        var history = new Command("history", "every value of a metric, by step") { run, key, plot, json };
        history.SetAction(async (parse, ct) =>
        {
            using var ws = CliContext.OpenWorkspace();
            var id = await RunResolver.ResolveAsync(ws.Metadata.Runs, parse.GetValue(run)!, ct).ConfigureAwait(false);
            var k = parse.GetValue(key)!;
            var points = await ws.Metadata.Runs.MetricHistoryAsync(id, k, ct).ConfigureAwait(false);
            if (points.Count == 0) throw new KeelException($"run {id.Short} has no metric '{k}'; 'keel runs show {id.Short}' lists its metrics");
            string? plotted = null;
            if (parse.GetValue(plot) is { } file)
                plotted = MetricPlot.Save(points, $"{k} ({id.Short})", Path.GetFullPath(Path.Combine(CliContext.Cwd, file)));
            if (parse.GetValue(json))
            {
                CliContext.WriteJson(new { run = id.ToString(), key = k, points = points.Select(TrackingJson.Metric), plot = plotted });
                return 0;
            }
            foreach (var p in points) Console.WriteLine($"{p.Step,8}  {TrackingJson.Number(p.Value),-14} {p.Timestamp:yyyy-MM-dd HH:mm:ss.fff}");
            if (plotted is not null) Console.Error.WriteLine($"keel: plot written to {plotted}");
            return 0;
        });
        root.Subcommands.Add(new Command("metrics", "metric histories") { history });
    }
}
