using System.CommandLine;
using System.Globalization;
using Keel.Cli.Monitoring;
using Keel.Monitoring;
using Keel.Monitoring.Actions;
using Keel.Monitoring.Profiles;
using Keel.Registry;
using Keel.Server.Capture;
using Keel.Workspaces;

namespace Keel.Cli.Commands;

/// <summary>
/// <c>keel monitor NAME [--alias A] [--window 1h | 10000rows] [--since T] [--json] [--report FILE.html] [--watch]</c>.
/// By default it reads what <c>keel serve</c> captured for the version(s) served under NAME@ALIAS, judged against the
/// deployment's reference profile, with the labels posted as feedback; <c>--reference</c> and <c>--current</c> read CSV files instead.
/// </summary>
internal static class MonitorCommand
{
    public static void AddTo(RootCommand root)
    {
        var name = new Argument<string>("name") { Description = "the monitored model: NAME (the version(s) under --alias), NAME@ALIAS or NAME@N" };
        var alias = new Option<string>("--alias") { Description = "monitor the version(s) served under NAME@ALIAS (default production)", DefaultValueFactory = _ => "production" };
        var reference = new Option<string?>("--reference") { Description = "reference instead of the deployment's profile: training data CSV, or a profile .json saved with --save-profile" };
        var current = new Option<string[]>("--current") { Description = "read CSV files or patterns (prod/*.csv) instead of the serving capture; needs --reference", AllowMultipleArgumentsPerToken = true };
        var feedback = new Option<string?>("--feedback") { Description = "CSV of feedback labels by request id (default: the labels posted to the server)" };
        var window = new Option<string>("--window") { Description = "window: 10000rows (default), or 30m, 1h, 1d", DefaultValueFactory = _ => "10000rows" };
        var since = new Option<string?>("--since") { Description = "only predictions at or after this time (ISO 8601)" };
        var json = CliContext.JsonOption();
        var report = new Option<string?>("--report") { Description = "write a self-contained HTML report here" };
        var watch = new Option<bool>("--watch") { Description = "keep monitoring: re-read the sources every --interval seconds until Ctrl-C" };
        var interval = new Option<int>("--interval") { Description = "seconds between passes with --watch (1-3600, default 60)", DefaultValueFactory = _ => 60 };
        var maxCycles = new Option<int>("--max-cycles") { Description = "with --watch, stop after this many passes (default: until Ctrl-C)" };
        var saveProfile = new Option<string?>("--save-profile") { Description = "write the reference profile as JSON" };
        var webhook = new Option<string?>("--webhook") { Description = "POST alerts as JSON to this URL" };
        var prometheus = new Option<string?>("--prometheus") { Description = "write Prometheus gauges to this file after every window" };
        var idColumn = new Option<string>("--id-column") { Description = "CSV input: request id column (default request_id)", DefaultValueFactory = _ => "request_id" };
        var timeColumn = new Option<string>("--time-column") { Description = "CSV input: timestamp column (default timestamp)", DefaultValueFactory = _ => "timestamp" };
        var scoreColumn = new Option<string>("--score-column") { Description = "CSV input: model score column (default score)", DefaultValueFactory = _ => "score" };
        var labelColumn = new Option<string>("--label-column") { Description = "CSV input: true label column (default label)", DefaultValueFactory = _ => "label" };
        var ignore = new Option<string[]>("--ignore") { Description = "CSV input: columns that are not features", AllowMultipleArgumentsPerToken = true };
        var failOn = new Option<string?>("--fail-on")
        {
            Description = "exit 1 as soon as one judged window's own verdict is 'drift' (a feature or the score drifts) or 'alert' (drift, an absent feature, "
                + "performance below the floor), without the sustained rule's 2 of 3 windows: a CI gate for a one-off check",
        };
        failOn.AcceptOnlyFromAmong("drift", "alert");
        var command = new Command("monitor", "test production predictions for drift, data quality and performance; exit 1 on a sustained alert (or as --fail-on says)")
        {
            name, alias, reference, current, feedback, window, since, json, report, watch, interval, maxCycles, saveProfile, webhook, prometheus,
            idColumn, timeColumn, scoreColumn, labelColumn, ignore, failOn,
        };
        command.SetAction(async (parse, ct) =>
        {
            string target = parse.GetValue(name)!;
            string model = target.Split('@')[0];
            string aliasName = target.Contains('@', StringComparison.Ordinal) ? target[(target.IndexOf('@', StringComparison.Ordinal) + 1)..] : parse.GetValue(alias)!;
            var columns = new CsvColumns(parse.GetValue(idColumn)!, parse.GetValue(timeColumn)!, "model_version", parse.GetValue(scoreColumn)!,
                parse.GetValue(labelColumn)!, new HashSet<string>(parse.GetValue(ignore) ?? [], StringComparer.Ordinal));
            string? referencePath = parse.GetValue(reference);
            string[] currentPatterns = parse.GetValue(current) ?? [];
            if (currentPatterns.Length > 0 && referencePath is null)
                throw new KeelException("--current reads CSV files and needs --reference TRAIN.csv (or a saved profile .json); without both, keel monitor reads the serving capture");
            int seconds = parse.GetValue(interval);
            if (seconds is < 1 or > 3600) throw new KeelException($"--interval must be between 1 and 3600 seconds, got {seconds}");
            int cycles = parse.GetValue(maxCycles);
            if (cycles < 0) throw new KeelException($"--max-cycles must be at least 1, got {cycles}");
            DateTimeOffset? sinceTime = parse.GetValue(since) is { } s
                ? DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : throw new KeelException($"--since '{s}' is not a time; write e.g. 2026-03-01T00:00:00Z")
                : null;
            var (policy, workspaceRoot) = MonitorPolicyLoader.Load(CliContext.Cwd);
            WindowSpec spec = WindowSpec.Parse(parse.GetResult(window) is { Implicit: false } || policy.Window is null ? parse.GetValue(window)! : policy.Window);
            ReferenceProfile? fixedReference = referencePath is null ? null : ReferenceLoader.Load(referencePath, columns);
            bool fromCapture = currentPatterns.Length == 0;
            using Workspace? ws = fromCapture ? CliContext.OpenWorkspace() : null;
            if (ws is not null) ModelRef.ValidateName(model);

            var sinks = new List<IAlertSink>();
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            string? hook = parse.GetValue(webhook) ?? policy.Webhook;
            if (hook is not null)
                sinks.Add(new WebhookAlertSink(http, Uri.TryCreate(hook, UriKind.Absolute, out var u) ? u : throw new KeelException($"--webhook '{hook}' is not an absolute URL")));
            if ((parse.GetValue(prometheus) ?? policy.PrometheusFile) is { } prom) sinks.Add(new PrometheusFileSink(prom));
            var dispatcher = new SafeAlertDispatcher(sinks, message => Console.Error.WriteLine($"keel: {message}"));
            bool asJson = parse.GetValue(json);
            string? reportPath = parse.GetValue(report);
            string? gate = parse.GetValue(failOn);
            bool alerted = false;
            for (int cycle = 1; ; cycle++)
            {
                try
                {
                    // Re-resolved every pass: after a redeploy (or rollback) the alias serves another version with its own reference.
                    IPredictionSource source;
                    IProductionSnapshot snapshot;
                    ReferenceProfile profile;
                    IFeedbackSource? labels = parse.GetValue(feedback) is { } f ? new CsvFeedbackSource(f, columns.Id, columns.Label) : null;
                    bool canAct = true;
                    string[] monitored = [];
                    if (ws is not null)
                    {
                        var deployment = await MonitoredDeployment.ResolveAsync(ws, target, parse.GetValue(alias)!, ct).ConfigureAwait(false);
                        canAct = deployment.Alias is not null;
                        monitored = [.. deployment.Versions.Select(v => v.Ref)];
                        var capture = new CaptureSource(ws, deployment);
                        source = capture;
                        snapshot = new CaptureSnapshot(ws, deployment, capture, LabelColumn(ws, model));
                        profile = fixedReference ?? deployment.Reference;
                        labels ??= new StoredFeedbackSource(ws, model);
                    }
                    else
                    {
                        var files = FileGlob.Expand(currentPatterns);
                        source = new CsvPredictionSource(files, columns);
                        snapshot = new FileSnapshot(files);
                        profile = fixedReference!;
                    }
                    if (cycle == 1 && parse.GetValue(saveProfile) is { } save) await File.WriteAllBytesAsync(save, profile.ToJson(), ct).ConfigureAwait(false);
                    var session = new MonitorSession(model, profile, policy.Options, policy.Alerts, spec, CliContext.Time, dispatcher);
                    MonitorResult result = await session.RunAsync(source, labels, sinceTime, ct).ConfigureAwait(false);
                    if (ws is not null && result.Rows == 0) result = await PointToTrafficAsync(ws, model, monitored, result, sinceTime, ct).ConfigureAwait(false);
                    alerted |= gate switch { "drift" => result.DriftedWindows > 0, "alert" => result.AlertingWindows > 0, _ => false } || result.Alerted;
                    if (reportPath is not null) await File.WriteAllTextAsync(reportPath, MonitorReportHtml.Render(profile, result, session.LastWindows), ct).ConfigureAwait(false);
                    if (asJson) CliContext.WriteJson(result);
                    else MonitorText.Write(result, gate, Console.Out);
                    if (result.Alerted && policy.HasActions && !canAct)
                        Console.Error.WriteLine($"keel: the monitor policy acts on an alias; {target} names a version, so no action was taken");
                    else if (result.Alerted && policy.HasActions)
                        await MonitorActions.RunAsync(policy, workspaceRoot, model, aliasName, result, snapshot, asJson, ct).ConfigureAwait(false);
                    if (!parse.GetValue(watch) || (cycles > 0 && cycle >= cycles)) break;
                    await Task.Delay(TimeSpan.FromSeconds(seconds), CliContext.Time, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    // Ctrl-C: stop between (or inside) passes; what was stored stays stored, and the exit code reports what was seen.
                    Console.Error.WriteLine($"keel: monitoring stopped after {cycle} pass(es)");
                    break;
                }
            }
            return alerted ? ExitCodes.CheckFailed : ExitCodes.Ok;
        });
        root.Subcommands.Add(command);
    }

    // Nothing captured for the monitored version(s): name the versions of the model that do have traffic (after the quickstart,
    // production moved to the retrained churn@2 while the captured traffic belongs to churn@1).
    private static async Task<MonitorResult> PointToTrafficAsync(Workspace ws, string model, string[] monitored, MonitorResult result, DateTimeOffset? since, CancellationToken ct)
    {
        var traffic = await CaptureSource.TrafficByVersionAsync(ws, model, since, ct).ConfigureAwait(false);
        var others = traffic.Where(t => t.Rows > 0 && !monitored.Contains(t.Ref, StringComparer.Ordinal)).ToList();
        if (others.Count == 0) return result;
        string list = string.Join(", ", others.Select(t => $"{t.Ref} has {t.Rows} captured prediction(s)"));
        string note = $"{list}: monitor it with 'keel monitor {others[^1].Ref}' (against its own deployment's reference)";
        return result with { Notes = [.. result.Notes, note] };
    }

    // The label column of the model's training data, from its models: entry in keel.yaml (the snapshot writes labels there).
    private static string LabelColumn(Workspace ws, string model)
    {
        string yaml = Path.Combine(ws.Root, "keel.yaml");
        return File.Exists(yaml) && ModelsParser.ParseFile(yaml, "keel.yaml").GetValueOrDefault(model)?.Label is { } label ? label : "label";
    }
}
