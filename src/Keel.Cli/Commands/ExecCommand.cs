using System.CommandLine;
using Keel.Tracking;
using Keel.Tracking.Execution;

namespace Keel.Cli.Commands;

/// <summary><c>keel exec [--name N] [--experiment E] [--out [KIND=]PATH]... [--seed S] -- CMD ARGS...</c></summary>
internal static class ExecCommand
{
    private static readonly string[] Kinds = ["data", "model", "metrics", "plots", "report", "log", "predictions"];

    public static void AddTo(RootCommand root)
    {
        var name = new Option<string?>("--name") { Description = "run name (default: the command's file name)" };
        var experiment = new Option<string?>("--experiment") { Description = "experiment the run belongs to" };
        var outputs = new Option<string[]>("--out") { Description = "a declared output, versioned after the command ends: PATH or KIND=PATH (kind: data, model, metrics, plots, report, predictions)", AllowMultipleArgumentsPerToken = false };
        var seed = new Option<long?>("--seed") { Description = "the seed handed to the command as KEEL_SEED (default: KEEL_SEED, else derived from name and code)" };
        var json = CliContext.JsonOption();
        var command = new Argument<string[]>("command") { Description = "the command and its arguments, after --", Arity = ArgumentArity.OneOrMore };
        var exec = new Command("exec", "run any command as a tracked run (exit code = the command's)") { name, experiment, outputs, seed, json, command };
        exec.SetAction(async (parse, ct) =>
        {
            using var ws = CliContext.OpenWorkspace();
            var declared = (parse.GetValue(outputs) ?? []).Select(ParseOutput).ToList();
            var request = new ExecRequest(parse.GetValue(command)!, parse.GetValue(name), parse.GetValue(experiment), declared, parse.GetValue(seed), CliContext.Cwd);
            using var stdout = Console.OpenStandardOutput();
            using var stderr = Console.OpenStandardError();
            var asJson = parse.GetValue(json);
            // With --json, stdout carries only the JSON document: the command's stdout goes to stderr.
            var result = await new ExecRunner(ws).RunAsync(request, asJson ? stderr : stdout, stderr, ct).ConfigureAwait(false);
            foreach (var w in result.Warnings) await Console.Error.WriteLineAsync($"keel: warning: {w}").ConfigureAwait(false);
            var r = result.Run;
            if (asJson)
                CliContext.WriteJson(new { run = TrackingJson.Run(r), exit_code = result.ExitCode });
            else
                await Console.Error.WriteLineAsync($"keel: run {r.Id.Short} ({r.Name}) {RunStatusNames.Name(r.Status)}, exit {r.ExitCode}, {TrackingJson.Duration(r)}").ConfigureAwait(false);
            return result.ExitCode;
        });
        root.Subcommands.Add(exec);
    }

    private static (string Path, string Kind) ParseOutput(string text)
    {
        var eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq > 0 && Kinds.Contains(text[..eq])) return (text[(eq + 1)..], text[..eq]);
        return (text, "data");
    }
}
