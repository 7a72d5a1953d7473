using System.CommandLine;
using System.Globalization;
using Keel.Cli.Monitoring;
using Keel.Monitoring;
using Keel.Monitoring.Profiles;

namespace Keel.Cli.Commands;

/// <summary>
/// <c>keel monitor NAME [--window 1h | 10000rows] [--since T] [--json] [--report FILE.html] [--watch]</c>.
/// Today it reads files (--reference, --current, --feedback); reading a deployed model's capture and
/// reference profile arrives with the serving branch (see docs/monitoring.md, "Serving integration").
/// </summary>
internal static class MonitorCommand
{
    public static void AddTo(RootCommand root)
    {
        var name = new Argument<string>("name") { Description = "the monitored model (names alerts, gauges and runs)" };
        var reference = new Option<string?>("--reference") { Description = "training data CSV, or a profile .json saved with --save-profile" };
        var current = new Option<string[]>("--current") { Description = "captured predictions: CSV files or patterns (prod/*.csv)", AllowMultipleArgumentsPerToken = true };
        var feedback = new Option<string?>("--feedback") { Description = "CSV of feedback labels by request id" };
        var window = new Option<string>("--window") { Description = "window: 10000rows (default), or 30m, 1h, 1d", DefaultValueFactory = _ => "10000rows" };
        var since = new Option<string?>("--since") { Description = "only predictions at or after this time (ISO 8601)" };
        var json = CliContext.JsonOption();
        var report = new Option<string?>("--report") { Description = "write a self-contained HTML report here" };
        var watch = new Option<bool>("--watch") { Description = "keep monitoring: re-read the sources every --interval seconds until Ctrl-C" };
        var interval = new Option<int>("--interval") { Description = "seconds between passes with --watch (1-3600, default 60)", DefaultValueFactory = _ => 60 };
        var saveProfile = new Option<string?>("--save-profile") { Description = "write the reference profile as JSON (what a deploy stores)" };
        var webhook = new Option<string?>("--webhook") { Description = "POST alerts as JSON to this URL" };
        var prometheus = new Option<string?>("--prometheus") { Description = "write Prometheus gauges to this file after every window" };
        var idColumn = new Option<string>("--id-column") { Description = "request id column (default request_id)", DefaultValueFactory = _ => "request_id" };
        var timeColumn = new Option<string>("--time-column") { Description = "timestamp column (default timestamp)", DefaultValueFactory = _ => "timestamp" };
        var scoreColumn = new Option<string>("--score-column") { Description = "model score column (default score)", DefaultValueFactory = _ => "score" };
        var labelColumn = new Option<string>("--label-column") { Description = "true label column (default label)", DefaultValueFactory = _ => "label" };
        var ignore = new Option<string[]>("--ignore") { Description = "columns that are not features", AllowMultipleArgumentsPerToken = true };
        var command = new Command("monitor", "test production predictions for drift, data quality and performance; exit 1 on a sustained alert")
        {
            name, reference, current, feedback, window, since, json, report, watch, interval, saveProfile, webhook, prometheus,
            idColumn, timeColumn, scoreColumn, labelColumn, ignore,
        };
        command.SetAction(async (parse, ct) =>
        {
            string model = parse.GetValue(name)!;
            var columns = new CsvColumns(parse.GetValue(idColumn)!, parse.GetValue(timeColumn)!, "model_version", parse.GetValue(scoreColumn)!,
                parse.GetValue(labelColumn)!, new HashSet<string>(parse.GetValue(ignore) ?? [], StringComparer.Ordinal));
            string referencePath = parse.GetValue(reference)
                ?? throw new KeelException($"no reference for '{model}': monitoring a deployed model's capture arrives with serving; for now pass --reference TRAIN.csv --current PROD.csv");
            string[] currentPatterns = parse.GetValue(current) ?? [];
            if (currentPatterns.Length == 0) throw new KeelException("no predictions to monitor; pass --current FILE.csv (or a pattern such as 'prod/*.csv')");
            int seconds = parse.GetValue(interval);
            if (seconds is < 1 or > 3600) throw new KeelException($"--interval must be between 1 and 3600 seconds, got {seconds}");
            DateTimeOffset? sinceTime = parse.GetValue(since) is { } s
                ? DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : throw new KeelException($"--since '{s}' is not a time; write e.g. 2026-03-01T00:00:00Z")
                : null;
            var (policy, workspaceRoot) = MonitorPolicyLoader.Load(CliContext.Cwd);
            WindowSpec spec = WindowSpec.Parse(parse.GetResult(window) is { Implicit: false } || policy.Window is null ? parse.GetValue(window)! : policy.Window);

            ReferenceProfile profile = ReferenceLoader.Load(referencePath, columns);
            if (parse.GetValue(saveProfile) is { } save) await File.WriteAllBytesAsync(save, profile.ToJson(), ct).ConfigureAwait(false);
            var sinks = new List<IAlertSink>();
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            string? hook = parse.GetValue(webhook) ?? policy.Webhook;
            if (hook is not null)
                sinks.Add(new WebhookAlertSink(http, Uri.TryCreate(hook, UriKind.Absolute, out var u) ? u : throw new KeelException($"--webhook '{hook}' is not an absolute URL")));
            if ((parse.GetValue(prometheus) ?? policy.PrometheusFile) is { } prom) sinks.Add(new PrometheusFileSink(prom));
            var dispatcher = new SafeAlertDispatcher(sinks, message => Console.Error.WriteLine($"keel: {message}"));
            var session = new MonitorSession(model, profile, policy.Options, policy.Alerts, spec, CliContext.Time, dispatcher);
            bool asJson = parse.GetValue(json);
            string? reportPath = parse.GetValue(report);
            bool alerted = false;
            while (true)
            {
                var files = FileGlob.Expand(currentPatterns);
                var source = new CsvPredictionSource(files, columns);
                IFeedbackSource? labels = parse.GetValue(feedback) is { } f ? new CsvFeedbackSource(f, columns.Id, columns.Label) : null;
                MonitorResult result = await session.RunAsync(source, labels, sinceTime, ct).ConfigureAwait(false);
                alerted |= result.Alerted;
                if (reportPath is not null) await File.WriteAllTextAsync(reportPath, MonitorReportHtml.Render(profile, result, session.LastWindows), ct).ConfigureAwait(false);
                if (asJson) CliContext.WriteJson(result);
                else MonitorText.Write(result, Console.Out);
                if (result.Alerted && policy.HasActions)
                    await MonitorActions.RunAsync(policy, workspaceRoot, model, result, files, asJson, ct).ConfigureAwait(false);
                if (!parse.GetValue(watch)) break;
                try { await Task.Delay(TimeSpan.FromSeconds(seconds), CliContext.Time, ct).ConfigureAwait(false); }
                catch (OperationCanceledException) { break; }
            }
            return alerted ? ExitCodes.CheckFailed : ExitCodes.Ok;
        });
        root.Subcommands.Add(command);
    }
}
