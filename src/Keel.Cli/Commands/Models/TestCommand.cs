using System.CommandLine;
using System.Globalization;
using Keel.Models;
using Keel.Models.Registration;
using Keel.Models.Testing;
using Keel.Registry;

namespace Keel.Cli.Commands.Models;

/// <summary><c>keel test REF</c>: runs the model's behaviour tests from keel.yaml and records the run in the lineage.</summary>
internal static class TestCommand
{
    public static void AddTo(RootCommand root)
    {
        var reference = new Argument<string>("ref") { Description = "the model version: NAME, NAME@N or NAME@ALIAS" };
        var json = CliContext.JsonOption();
        var command = new Command("test", "run a model's behaviour tests (keel.yaml models: NAME: tests:)") { reference, json };
        command.SetAction(async (parse, ct) =>
        {
            using var ws = CliContext.OpenWorkspace();
            var version = await ModelResolver.ResolveAsync(ws, parse.GetValue(reference)!, null, ct).ConfigureAwait(false);
            var spec = ModelsParser.ParseFile(Path.Combine(ws.Root, "keel.yaml"), "keel.yaml").GetValueOrDefault(version.Name)
                ?? throw new KeelException($"keel.yaml declares no tests for model {version.Name}; add 'models: {version.Name}: tests:' (see docs/serving.md)");
            using var model = ModelFlavors.LoadVersion(ws, version);
            var runner = new BehaviourTestRunner(ws, CliContext.Cwd);
            var report = await runner.RunAsync(version, spec, model, ct).ConfigureAwait(false);
            var runId = Guid.NewGuid().ToString("N");
            var (nodes, runIndex, _) = await TestLineage.NodesAsync(ws, version, report, runner.DataUsed, runId, ct).ConfigureAwait(false);
            var ids = await ws.Metadata.Lineage.AppendBatchAsync(nodes, ct).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                CliContext.WriteJson(new { run_id = runId, lineage_node = ids[runIndex - 1], report = ModelJson.Report(report) });
            }
            else
            {
                Print(report);
                Console.WriteLine($"run:{runId[..12]} recorded in the lineage");
            }
            return report.Passed ? 0 : ExitCodes.CheckFailed;
        });
        root.Subcommands.Add(command);
    }

    internal static void Print(TestReport report)
    {
        foreach (var r in report.Results)
        {
            var value = r.Value is { } v ? string.Create(CultureInfo.InvariantCulture, $" {v:0.####}") : "";
            Console.WriteLine($"  {(r.Passed ? "pass" : "FAIL")}  {r.Name,-20} {r.Type,-12}{value}  {r.Detail}");
        }
        Console.WriteLine($"{report.Model}@{report.Version}: {report.Results.Count(r => r.Passed)} of {report.Results.Count} tests passed");
    }
}
