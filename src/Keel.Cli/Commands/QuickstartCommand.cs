using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Keel.Cli.Quickstart;
using Keel.Lineage;
using Keel.Pipelines;
using Keel.Workspaces;

namespace Keel.Cli.Commands;

/// <summary>
/// <c>keel quickstart [--dir DIR]</c>: the whole lifecycle on generated churn data: a workspace, the pipeline
/// with real training, reproduction, the gate and serving, and the monitoring loop closed by a retrained,
/// gated redeploy; then what to look at next.
/// </summary>
internal static class QuickstartCommand
{
    public static void AddTo(RootCommand root)
    {
        var dir = new Option<string>("--dir") { Description = "where to create the quickstart workspace", DefaultValueFactory = _ => "keel-quickstart" };
        var command = new Command("quickstart", "create a workspace with the churn example and run it end to end") { dir };
        command.SetAction(async (parse, ct) =>
        {
            var clock = Stopwatch.StartNew();
            var target = Path.GetFullPath(Path.Combine(CliContext.Cwd, parse.GetValue(dir)!));
            if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
                throw new KeelException($"{target} exists and is not empty; pass --dir with a new folder, or remove it");

            Step($"1. A workspace with the churn example in {target}");
            Directory.CreateDirectory(target);
            QuickstartWorkspace.Write(target);
            using var ws = Workspace.Init(target, CliContext.Time);
            var git = QuickstartWorkspace.CommitToGit(target);
            Console.WriteLine(git ? "   git repository created and committed, so every run records its commit" : "   (git not found: runs will not record a commit)");

            Step("2. keel run: build, ingest, validate, featurize, train (FastTree), evaluate");
            var runner = new PipelineRunner(ws, ws.CreateExecutor(), new IndentedProgress());
            var reports = await runner.RunAsync(new RunOptions([], false, false, 1), ct).ConfigureAwait(false);
            foreach (var r in reports) Console.WriteLine($"   {r.Stage,-10} {r.State.ToString().ToLowerInvariant(),-8} {r.Duration.TotalSeconds,6:0.0}s {r.Message}");
            if (reports.Any(r => r.State is not (StageState.Ran or StageState.Skipped or StageState.Restored)))
                throw new KeelException("the quickstart pipeline failed; see the stage logs above", ExitCodes.CheckFailed);

            var metrics = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(target, "metrics/eval.json"), ct).ConfigureAwait(false)).RootElement;
            Step("3. The model");
            Console.WriteLine($"   models/churn.zip: holdout AUC {metrics.GetProperty("auc").GetDouble():0.000}, accuracy {metrics.GetProperty("accuracy").GetDouble():0.000}, calibration error {metrics.GetProperty("ece").GetDouble():0.000}");

            Step("4. Run it again: nothing changed, so nothing runs");
            var again = await runner.RunAsync(new RunOptions([], false, false, 1), ct).ConfigureAwait(false);
            Console.WriteLine($"   {again.Count(r => r.State == StageState.Skipped)} of {again.Count} stages skipped (recipes unchanged, outputs intact)");

            Step("5. Where the model came from (keel lineage models/churn.zip --kinds data,model,run)");
            var index = await LineageIndex.LoadOrBuildAsync(ws.Metadata.Lineage, Path.Combine(ws.KeelDir, "cache", "lineage.idx"), ct).ConfigureAwait(false);
            var model = await new LineageResolver(ws.Metadata, index).ResolveAsync("models/churn.zip", null, ct).ConfigureAwait(false);
            var view = LineageView.Query(index, model.Index, LineageDirection.Up, -1, ["data", "model", "run"], long.MaxValue);
            foreach (var line in TreeWriter.Write(view).Split('\n', StringSplitOptions.RemoveEmptyEntries)) Console.WriteLine($"   {line}");

            Step("6. Reproduce the model from the recorded state alone (keel reproduce models/churn.zip, in a temp folder)");
            var reproduction = await new Keel.Reproduction.Reproducer(ws, index).ReproduceAsync(model, new Keel.Reproduction.ReproduceOptions(null), ct).ConfigureAwait(false);
            foreach (var o in reproduction.Outputs.Where(o => o.Counts)) Console.WriteLine($"   {o.Status,-8} {o.Path} [{o.Method}]: {o.Detail}");
            Console.WriteLine(reproduction.Passed
                ? $"   verdict: REPRODUCED within tolerance ({reproduction.Outputs.Count(o => o.Counts)} outputs compared, {reproduction.Seconds:0.0}s)"
                : $"   verdict: NOT REPRODUCED; the reproduction is kept in {reproduction.Directory}");

            var redeployed = await QuickstartServing.RunAsync(ws, target, ct).ConfigureAwait(false);

            Step($"Done in {clock.Elapsed.TotalSeconds:0.0}s. Try next, from {Path.GetRelativePath(CliContext.Cwd, target)}/:");
            Console.WriteLine("   keel dag                       the pipeline's stages");
            Console.WriteLine("   keel status                    tracked data against its latest version");
            Console.WriteLine("   edit examples/churn/params.yaml (train.trees) and 'keel run': only train and evaluate re-run");
            Console.WriteLine("   cat keel.lock                  every stage's command, inputs, params and outputs, by digest");
            Console.WriteLine("   keel runs list                 every stage execution as a tracked run (params, metrics, code, environment)");
            Console.WriteLine("   keel lineage models/churn.zip  the model's full history, with code and environment");
            Console.WriteLine("   keel impact data/raw/customers.csv   everything the raw data fed");
            Console.WriteLine("   keel recover models/churn.zip -o recovered --materialize --verify   bill of materials + replay.sh");
            Console.WriteLine("   keel keys generate && keel verify models/churn.zip   integrity, tests, reproduction and a signed attestation");
            Console.WriteLine("   keel bundle export models/churn.zip -o churn.keelbundle   one file a colleague can import, verify and reproduce");
            Console.WriteLine("   keel models show churn@production   the card, signature and alias history");
            Console.WriteLine("   keel serve                     serve churn@production on 127.0.0.1:8080 (docs/serving.md)");
            Console.WriteLine("   keel lineage churn@1 --down    the deployment and the captured predictions");
            // After the retrain, churn@production is churn@2, which has served nothing yet; the captured traffic is churn@1's.
            Console.WriteLine(redeployed
                ? "   keel monitor churn@1 --report monitor.html   the drift report of the traffic churn@1 served (production is now churn@2, with no traffic yet)"
                : "   keel monitor churn --report monitor.html   the drift report (reads the capture; --watch keeps going)");
            Console.WriteLine("   keel rollback churn --alias production      back to churn@1, recorded");
            return reproduction.Passed && redeployed ? 0 : ExitCodes.CheckFailed;
        });
        root.Subcommands.Add(command);
    }

    private static void Step(string text) => Console.WriteLine($"\n{text}");

    private sealed class IndentedProgress : IProgress<string>
    {
        public void Report(string value)
        {
            if (!value.StartsWith("running ", StringComparison.Ordinal)) return;
            Console.WriteLine($"   {value}");
        }
    }
}
