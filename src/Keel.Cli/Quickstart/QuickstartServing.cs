using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Keel.Models.Deployments;
using Keel.Models.Registration;
using Keel.Registry;
using Keel.Server;
using Keel.Workspaces;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Cli.Quickstart;

/// <summary>
/// The quickstart's second half: register the trained model, deploy it through the gate, serve a burst in-process,
/// replay drifting production traffic with feedback, then monitor and let the policy retrain and redeploy.
/// </summary>
internal static class QuickstartServing
{
    public static async Task<bool> RunAsync(Workspace ws, string target, CancellationToken cancellationToken)
    {
        Step("7. Register the model from the train stage (signature captured from its training data)");
        var version = await ModelRegistrar.RegisterAsync(ws, new RegisterRequest("churn", "train", null, null, null, null, null, null, "metrics/eval.json", target), cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"   {version.Ref}: {version.Flavor}, {version.Signature.Inputs.Count} inputs, {version.Signature.TrainingRows} training rows, from {version.Source}");

        Step("8. keel deploy churn@1 --alias production: behaviour tests as the gate");
        var deployed = await Deployer.DeployAsync(ws, version.Ref, "production", 0, target, cancellationToken).ConfigureAwait(false);
        foreach (var r in deployed.Report.Results)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   {(r.Passed ? "pass" : "FAIL")}  {r.Name,-28} {r.Detail}"));
        Console.WriteLine($"   churn@production -> {version.Ref}; serving package {deployed.Package.Short} (model, signature, training profile)");

        Step("9. keel serve, in-process on a free loopback port: a burst of requests");
        var options = new ServingOptions { Port = 0, SegmentRows = 100_000 };
        var app = await KeelServer.BuildAsync(options, ws, cancellationToken).ConfigureAwait(false);
        await using (app.ConfigureAwait(false))
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
            using var http = new HttpClient { BaseAddress = address };
            var holdout = CsvTable.ReadFile(Path.Combine(target, "data/features/holdout.csv"));
            var rows = holdout.Rows.Take(500).Select(r => version.Signature.Inputs.ToDictionary(f => f.Name, f => FieldValues.Parse(r[holdout.IndexOf(f.Name)], f.Type))).ToList();
            var clock = Stopwatch.StartNew();
            var ok = 0;
            foreach (var row in rows)
                if ((await http.PostAsJsonAsync("/v1/models/churn/predict", row, cancellationToken).ConfigureAwait(false)).IsSuccessStatusCode) ok++;
            var single = clock.Elapsed;
            var batch = await http.PostAsJsonAsync("/v1/models/churn/predict", new { rows }, cancellationToken).ConfigureAwait(false);
            var bad = await http.PostAsJsonAsync("/invocations", new { dataframe_records = new[] { new { tenure_months = "long" } } }, cancellationToken).ConfigureAwait(false);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"   {address}: {ok} of {rows.Count} single-row predictions ok in {single.TotalMilliseconds:0} ms ({single.TotalMilliseconds / rows.Count:0.00} ms each, sequential)"));
            Console.WriteLine($"   one batch of {rows.Count} rows: HTTP {(int)batch.StatusCode}; a malformed MLflow request: HTTP {(int)bad.StatusCode} application/problem+json");

            await QuickstartMonitoring.ReplayAsync(http, version, QuickstartMonitoring.DriftedTraffic(target), "churned", cancellationToken).ConfigureAwait(false);
            await app.StopAsync(cancellationToken).ConfigureAwait(false);
            await KeelServer.DrainCaptureAsync(app.Services, cancellationToken).ConfigureAwait(false);
            foreach (var (label, digest, count) in KeelServer.Segments(app.Services))
                Console.WriteLine($"   captured {count} predictions -> Parquet segment {digest.Short} ({label}), in the lineage under the deployment");
        }
        return await QuickstartMonitoring.MonitorAndActAsync(ws, target, cancellationToken).ConfigureAwait(false);
    }

    private static void Step(string text) => Console.WriteLine($"\n{text}");
}
