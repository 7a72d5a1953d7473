using System.CommandLine;
using Keel.Cli.Commands.Lineage;
using Keel.Reproduction;

namespace Keel.Cli.Commands.Reproduction;

/// <summary><c>keel reproduce REF [--in DIR] [--json]</c></summary>
internal static class ReproduceCommand
{
    public static void AddTo(RootCommand root)
    {
        var reference = new Argument<string>("ref") { Description = "what to rebuild: models/churn.zip, run:<id>, blake3:<digest>, raw@3, ..." };
        var into = new Option<string?>("--in") { Description = "reproduce in this (new or empty) folder and keep it; default: a temp folder, kept only on failure" };
        var json = CliContext.JsonOption();
        var (trust, timeLimit, memoryLimit) = SandboxOptions.Create();
        var command = new Command("reproduce", "re-run the recorded steps behind an artifact from the recorded state alone and compare every output within its declared tolerance")
        {
            reference, into, json, trust, timeLimit, memoryLimit,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var s = await LineageSession.OpenAsync(ct).ConfigureAwait(false);
            var target = await s.Resolver.ResolveAsync(parse.GetValue(reference)!, null, ct).ConfigureAwait(false);
            Diagnostics.Trace("reproduce: resolved");
            var dir = parse.GetValue(into) is { } d ? Path.GetFullPath(d, CliContext.Cwd) : null;
            var quiet = parse.GetValue(json);
            var progress = quiet ? null : new Progress(m => Console.WriteLine($"  {m}"));
            var report = await new Reproducer(s.Workspace, s.Index, progress).ReproduceAsync(target, SandboxOptions.Read(parse, new ReproduceOptions(dir), trust, timeLimit, memoryLimit), ct).ConfigureAwait(false);
            if (quiet) CliContext.WriteJson(report);
            else Print(report);
            return report.Passed ? ExitCodes.Ok : ExitCodes.CheckFailed;
        });
        root.Subcommands.Add(command);
    }

    public static void Print(ReproductionReport r)
    {
        foreach (var n in r.Notes) Console.WriteLine($"  note: {n}");
        foreach (var o in r.Steps.Where(s => s.Command is not null).GroupBy(s => (s.Origin, s.Sandboxed)))
            Console.WriteLine($"  code: {string.Join(", ", o.Select(s => s.Stage))} from {o.Key.Origin}, {(o.Key.Sandboxed ? $"ran in the sandbox ({r.Sandbox})" : "ran unconfined")}");
        foreach (var s in r.Steps)
        {
            var failed = s.Status is "failed" or "timed_out";
            Console.WriteLine($"  step {s.Stage,-12} {s.Status,-10} {s.Seconds,6:0.0}s  seed {s.Seed ?? "-"}{(s.Sandboxed ? "  (sandboxed)" : "")}"
                + (failed ? $"  exit code {s.ExitCode}, log: {s.Log}" : ""));
            foreach (var line in s.StderrTail) Console.WriteLine($"    | {line}");
        }
        foreach (var o in r.Outputs)
            Console.WriteLine($"  {Mark(o.Status),-12} {o.Path} [{(o.Tolerance == o.Method ? o.Method : $"{o.Method}, {o.Tolerance}")}]: {o.Detail}");
        if (r.EnvironmentDifferences.Count > 0)
        {
            Console.WriteLine("  environment differences (recorded -> now):");
            foreach (var e in r.EnvironmentDifferences) Console.WriteLine($"    {e.Field}: {e.Recorded ?? "-"} -> {e.Now ?? "-"}");
        }
        if (!r.Passed)
        {
            Console.WriteLine("  likely causes:");
            foreach (var c in r.LikelyCauses) Console.WriteLine($"    {c}");
        }
        var counted = r.Outputs.Count(o => o.Counts);
        Console.WriteLine(r.Passed
            ? $"REPRODUCED {r.Subject}: {counted} compared outputs within tolerance in {r.Seconds:0.0}s (run {r.RunId})"
            : $"NOT REPRODUCED {r.Subject}: {Verdicts(r)}; kept {r.Directory} (run {r.RunId})");
    }

    /// <summary>"1 step failed, 2 outputs differ": each verdict counted apart.</summary>
    private static string Verdicts(ReproductionReport r)
    {
        var parts = new List<string>();
        var failedSteps = r.Steps.Count(s => s.Status is "failed" or "timed_out");
        if (failedSteps > 0) parts.Add($"{failedSteps} step{(failedSteps == 1 ? "" : "s")} failed");
        void Count(string status, string one, string many)
        {
            var n = r.Outputs.Count(o => o.Status == status);
            if (n > 0) parts.Add($"{n} output{(n == 1 ? " " + one : "s " + many)}");
        }
        Count("fail", "differs", "differ");
        Count("missing", "not produced", "not produced");
        Count("step_failed", "not compared (its step failed)", "not compared (their step failed)");
        Count("not_run", "not run", "not run");
        return parts.Count == 0 ? "a step did not complete" : string.Join(", ", parts);
    }

    /// <summary>How an output's status reads: PASS, DIFFERS, NOT PRODUCED, FAILED, NOT RUN or unchecked.</summary>
    internal static string Mark(string status) => status switch
    {
        "pass" => "PASS",
        "fail" => "DIFFERS",
        "missing" => "NOT PRODUCED",
        "step_failed" => "FAILED",
        "not_run" => "NOT RUN",
        _ => "unchecked",
    };

    private sealed class Progress(Action<string> write) : IProgress<string>
    {
        public void Report(string value) => write(value);
    }
}
