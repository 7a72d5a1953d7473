using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Keel.Cli.Monitoring;
using Keel.Models.Deployments;
using Keel.Monitoring;
using Keel.Monitoring.Actions;
using Keel.Registry;
using Keel.Server.Capture;
using Keel.Workspaces;
using CsvTable = Keel.Registry.CsvTable;

namespace Keel.Cli.Quickstart;

/// <summary>
/// The quickstart's last act, the loop closed: production traffic that drifts is replayed through the server with its
/// true labels as feedback; <c>keel monitor churn</c> reads the capture and alerts; the keel.yaml <c>monitor:</c>
/// policy snapshots the labelled production rows, retrains, and sends the new model through the deploy gate.
/// </summary>
internal static class QuickstartMonitoring
{
    private const int DriftedRows = 4000;
    private const double Drift = 0.5;

    /// <summary>Generates drifted customers with the example's own generator and featurizes them, as production would send them.</summary>
    public static CsvTable DriftedTraffic(string target)
    {
        var dir = Directory.CreateTempSubdirectory("keel-quickstart-drift-").FullName;
        try
        {
            var dll = Path.Combine(target, "build/churn/bin/Churn/release/churn.dll");
            Churn(target, dll, "generate", "--rows", $"{DriftedRows}", "--seed", "8", "--drift", Drift.ToString(CultureInfo.InvariantCulture), "--start-id", "900001", "--out", Path.Combine(dir, "raw.csv"));
            Churn(target, dll, "featurize", "--in", Path.Combine(dir, "raw.csv"), "--out", Path.Combine(dir, "features"), "--params", "examples/churn/params.yaml");
            var train = CsvTable.ReadFile(Path.Combine(dir, "features/train.csv"));
            var holdout = CsvTable.ReadFile(Path.Combine(dir, "features/holdout.csv"));
            return new CsvTable(train.Columns, [.. train.Rows, .. holdout.Rows]);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Sends the drifted rows in batches of 50 and posts each row's true label as feedback.</summary>
    public static async Task ReplayAsync(HttpClient http, ModelVersion version, CsvTable traffic, string label, CancellationToken ct)
    {
        Step($"10. Production drifts: replay {traffic.Rows.Count} customers generated with --drift {Drift.ToString(CultureInfo.InvariantCulture)} (more month-to-month, fiber, support calls; higher charges), then post their true labels to /v1/models/churn/feedback");
        int labelAt = traffic.IndexOf(label);
        int ok = 0, labelled = 0;
        for (int start = 0; start < traffic.Rows.Count; start += 50)
        {
            var batch = traffic.Rows.Skip(start).Take(50).ToList();
            var rows = batch.Select(r => version.Signature.Inputs.ToDictionary(f => f.Name, f => FieldValues.Parse(r[traffic.IndexOf(f.Name)], f.Type))).ToList();
            var response = await http.PostAsJsonAsync("/v1/models/churn/predict", new { rows }, ct).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode) continue;
            ok += rows.Count;
            using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false));
            var id = answer.RootElement.GetProperty("request_id").GetString()!;
            var labels = batch.Select((r, i) => new { request_id = id, row = i, label = r[labelAt] }).ToList();
            if ((await http.PostAsJsonAsync("/v1/models/churn/feedback", new { labels }, ct).ConfigureAwait(false)).IsSuccessStatusCode) labelled += labels.Count;
        }
        Console.WriteLine($"   {ok} of {traffic.Rows.Count} predictions served and captured; {labelled} feedback labels accepted");
    }

    /// <summary>Monitors the capture against the deployment's reference profile and runs the policy's actions.</summary>
    public static async Task<bool> MonitorAndActAsync(Workspace ws, string target, CancellationToken ct)
    {
        Step("11. keel monitor churn: the capture of churn@production against its reference profile, in windows of 2,000 predictions");
        var policy = Keel.Pipelines.PipelineParser.ParseFile(Path.Combine(target, "keel.yaml"), "keel.yaml").Monitor ?? new MonitorPolicy();
        var deployment = await MonitoredDeployment.ResolveAsync(ws, "churn", "production", ct).ConfigureAwait(false);
        var capture = new CaptureSource(ws, deployment);
        var session = new MonitorSession("churn", deployment.Reference, policy.Options, policy.Alerts, WindowSpec.Parse(policy.Window ?? "2000rows"),
            CliContext.Time, new SafeAlertDispatcher([], _ => { }));
        var result = await session.RunAsync(capture, new StoredFeedbackSource(ws, "churn"), null, ct).ConfigureAwait(false);
        using (var text = new StringWriter(CultureInfo.InvariantCulture))
        {
            MonitorText.Write(result, null, text);
            foreach (var line in text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)) Console.WriteLine($"   {line}");
        }
        if (!result.Alerted || policy.OnDrift is null)
        {
            Console.WriteLine("   no sustained drift alert, so the policy does nothing");
            return false;
        }

        Step("12. The policy acts: snapshot the labelled production rows, retrain on them, and send the new model through the deploy gate");
        var clock = Stopwatch.StartNew();
        var registry = new RegistryActions(ws, "production", policy.OnDrift.Register ?? "train", target);
        var log = new Progress<string>(line => Console.WriteLine($"   {line}"));
        var snapshot = new CaptureSnapshot(ws, deployment, capture, "churned");
        var lines = await new MonitorActionRunner(ws, registry, registry, log).RunAsync(policy, "churn", result, snapshot, ct).ConfigureAwait(false);
        foreach (var line in lines) Console.WriteLine($"   {line}");
        var now = await ws.Metadata.Models.AliasVersionAsync("churn", "production", null, ct).ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   churn@production -> churn@{now} ({clock.Elapsed.TotalSeconds:0.0}s); keel lineage churn@{now} --up leads through the retraining run to the captured predictions and the deployment they came from"));
        return now != deployment.Versions[0].Version;
    }

    private static void Churn(string cwd, string dll, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new KeelException("could not start dotnet for the churn example");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        _ = stdout.Result;
        if (p.ExitCode != 0) throw new KeelException($"churn {args[0]} failed: {stderr.Trim()}");
    }

    private static void Step(string text) => Console.WriteLine($"\n{text}");
}
