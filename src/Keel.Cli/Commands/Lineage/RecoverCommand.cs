using System.CommandLine;
using Keel.Lineage;

namespace Keel.Cli.Commands.Lineage;

/// <summary><c>keel recover REF -o DIR [--materialize] [--verify] [--as-of T]</c></summary>
internal static class RecoverCommand
{
    public static void AddTo(RootCommand root)
    {
        var reference = new Argument<string>("ref") { Description = "a model, dataset version or any artifact, e.g. churn@production" };
        var output = new Option<string>("--output", "-o") { Description = "the folder to write into", Required = true };
        var materialize = new Option<bool>("--materialize") { Description = "copy every object's bytes into DIR/objects" };
        var verify = new Option<bool>("--verify") { Description = "re-hash every object (and every copy)" };
        var asOf = LineageSession.AsOfOption();
        var json = CliContext.JsonOption();
        var recover = new Command("recover", "everything that made an artifact: bill of materials, PROV-JSON, OpenLineage, DOT and a replay script")
        {
            reference, output, materialize, verify, asOf, json,
        };
        recover.SetAction(async (parse, ct) =>
        {
            var when = LineageSession.ParseAsOf(parse.GetValue(asOf));
            using var s = await LineageSession.OpenAsync(ct).ConfigureAwait(false);
            var target = await s.Resolver.ResolveAsync(parse.GetValue(reference)!, when, ct).ConfigureAwait(false);
            var dir = Path.GetFullPath(parse.GetValue(output)!, CliContext.Cwd);
            var r = await new LineageRecovery(s.Workspace, s.Index)
                .RecoverAsync(target, dir, parse.GetValue(materialize), parse.GetValue(verify), when, ct).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                CliContext.WriteJson(new
                {
                    @ref = target.Node.Label,
                    directory = r.Directory,
                    files = r.Files,
                    steps = r.Steps,
                    raw_inputs = r.RawInputs,
                    objects_copied = r.ObjectsCopied,
                    objects_checked = r.ObjectsChecked,
                    ok = r.Problems.Count == 0,
                    problems = r.Problems.Select(VerifyLineageCommand.Problem),
                });
            }
            else
            {
                Console.WriteLine($"recovered {target.Node.Label} into {r.Directory}: {string.Join(", ", r.Files)}; {r.Steps} build steps, {r.RawInputs} raw inputs"
                    + (parse.GetValue(materialize) ? $", {r.ObjectsCopied} objects copied" : "")
                    + (parse.GetValue(verify) ? $", {r.ObjectsChecked} objects re-hashed" : ""));
                foreach (var p in r.Problems) Console.WriteLine($"PROBLEM {p.Label} [{p.Kind}] (node {p.NodeId}): {p.Problem}");
            }
            return r.Problems.Count == 0 ? ExitCodes.Ok : ExitCodes.CheckFailed;
        });
        root.Subcommands.Add(recover);
    }
}
