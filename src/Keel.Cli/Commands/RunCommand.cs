using System.CommandLine;
using Keel.Pipelines;

namespace Keel.Cli.Commands;

/// <summary><c>keel run [STAGE...] [--force] [--dry-run] [--jobs N]</c> and <c>keel dag</c></summary>
internal static class RunCommand
{
    public static void AddTo(RootCommand root)
    {
        var stages = new Argument<string[]>("stage") { Description = "stages to bring up to date, with what they need (default: all)", Arity = ArgumentArity.ZeroOrMore };
        var force = new Option<bool>("--force", "-f") { Description = "run even when the recipe is unchanged or cached" };
        var dryRun = new Option<bool>("--dry-run") { Description = "show what would run, run nothing" };
        var jobs = new Option<int>("--jobs", "-j") { Description = "stages to run at once", DefaultValueFactory = _ => 1 };
        var json = CliContext.JsonOption();
        var command = new Command("run", "run the pipeline in keel.yaml, skipping what is up to date") { stages, force, dryRun, jobs, json };
        command.SetAction(async (parse, ct) =>
        {
            using var ws = CliContext.OpenWorkspace();
            var quiet = parse.GetValue(json);
            var runner = new PipelineRunner(ws, ws.CreateExecutor(), new SyncProgress(quiet ? null : Console.Error));
            var reports = await runner.RunAsync(new RunOptions(parse.GetValue(stages) ?? [], parse.GetValue(force), parse.GetValue(dryRun), parse.GetValue(jobs)), ct).ConfigureAwait(false);
            if (quiet)
            {
                CliContext.WriteJson(new
                {
                    stages = reports.Select(r => new
                    {
                        stage = r.Stage, state = r.State, seconds = Math.Round(r.Duration.TotalSeconds, 3), run_id = r.RunId,
                        recipe = r.Recipe, log = r.LogPath, message = r.Message, stderr_tail = r.StderrTail, warnings = r.Warnings,
                    }),
                    gitignored = runner.Gitignored,
                });
            }
            else
            {
                foreach (var r in reports)
                {
                    var detail = r.State switch
                    {
                        StageState.Skipped => "unchanged",
                        StageState.Failed or StageState.Killed => $"{r.Message}{(r.LogPath is null ? "" : $"; log: {Path.GetRelativePath(CliContext.Cwd, r.LogPath)}")}",
                        _ => r.Message ?? "",
                    };
                    Console.WriteLine(RunSummary.Line(r.Stage, r.State, r.Duration, detail));
                    foreach (var line in r.StderrTail) Console.WriteLine($"  | {line}");
                    foreach (var w in r.Warnings) Console.WriteLine($"  warning: {w}");
                }
                if (runner.Gitignored.Count > 0)
                    Console.WriteLine($"added {string.Join(", ", runner.Gitignored)} to .gitignore (stage outputs stay out of git; commit .gitignore)");
            }
            if (reports.Any(r => r.State == StageState.Killed)) return 130;
            return reports.Any(r => r.State is StageState.Failed or StageState.NotRun) ? ExitCodes.CheckFailed : ExitCodes.Ok;
        });
        root.Subcommands.Add(command);

        var dot = new Option<bool>("--dot") { Description = "Graphviz DOT" };
        var mermaid = new Option<bool>("--mermaid") { Description = "Mermaid flowchart" };
        var dag = new Command("dag", "show the stages and their dependencies") { dot, mermaid };
        dag.SetAction(parse =>
        {
            using var ws = CliContext.OpenWorkspace();
            var graph = new PipelineRunner(ws, new LocalExecutor(CliContext.Time)).LoadGraph();
            Console.Write(parse.GetValue(dot) ? graph.ToDot() : parse.GetValue(mermaid) ? graph.ToMermaid() : graph.ToText());
            return 0;
        });
        root.Subcommands.Add(dag);
    }

    /// <summary>Writes progress lines straight away (Progress&lt;T&gt; would post them to the thread pool, out of order).</summary>
    private sealed class SyncProgress(TextWriter? writer) : IProgress<string>
    {
        private readonly Lock _gate = new();

        public void Report(string value)
        {
            if (writer is null) return;
            lock (_gate) writer.WriteLine(value);
        }
    }
}
