using System.CommandLine;
using System.Globalization;
using Keel.Tracking;
using Keel.Workspaces;

namespace Keel.Cli.Commands;

/// <summary><c>keel log-metric KEY VALUE [--step S] [--run RUN]</c>: for commands tracked by keel exec, without the SDK.</summary>
internal static class LogMetricCommand
{
    public static void AddTo(RootCommand root)
    {
        var key = new Argument<string>("key") { Description = "metric key, e.g. loss or val/auc" };
        var value = new Argument<string>("value") { Description = "a number; NaN, Infinity and -Infinity are accepted" };
        var step = new Option<long>("--step") { Description = "step (default 0)" };
        var run = new Option<string?>("--run") { Description = "the run (default: KEEL_RUN_ID, set by keel exec)" };
        var command = new Command("log-metric", "record a metric value on the current run") { key, value, step, run };
        command.SetAction(async (parse, ct) =>
        {
            var text = parse.GetValue(value)!;
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                throw new KeelException($"'{text}' is not a number (use e.g. 0.93, 1e-3, NaN, Infinity)");
            var k = parse.GetValue(key)!;
            TrackingKeys.Validate("metric", k);
            var root = Environment.GetEnvironmentVariable(KeelRunEnvironment.Workspace);
            using var ws = root is { Length: > 0 } ? Workspace.Open(root, CliContext.Time) : CliContext.OpenWorkspace();
            var runText = parse.GetValue(run) ?? Environment.GetEnvironmentVariable(KeelRunEnvironment.RunId)
                ?? throw new KeelException($"no run to log to: run this under 'keel exec' (which sets {KeelRunEnvironment.RunId}) or pass --run RUN");
            var id = await RunResolver.ResolveAsync(ws.Metadata.Runs, runText, ct).ConfigureAwait(false);
            await ws.Metadata.Runs.LogAsync(id, RunBatch.OfMetrics([new MetricPoint(k, number, parse.GetValue(step), ws.Time.GetUtcNow())]), ct).ConfigureAwait(false);
            return 0;
        });
        root.Subcommands.Add(command);
    }
}
