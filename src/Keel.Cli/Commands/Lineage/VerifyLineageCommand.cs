using System.CommandLine;
using Keel.Lineage;

namespace Keel.Cli.Commands.Lineage;

/// <summary><c>keel verify-lineage REF</c>: recompute lineage roots, re-hash objects, name the first node that no longer matches.</summary>
internal static class VerifyLineageCommand
{
    public static void AddTo(RootCommand root)
    {
        var reference = new Argument<string>("ref") { Description = "the artifact or run whose history to check" };
        var asOf = LineageSession.AsOfOption();
        var json = CliContext.JsonOption();
        var verify = new Command("verify-lineage", "re-hash every stored object upstream, recompute every lineage root against the one sealed when its run was recorded, and check the lineage log's chain; exit 1 naming the first node that no longer matches")
        {
            reference, asOf, json,
        };
        verify.SetAction(async (parse, ct) =>
        {
            var when = LineageSession.ParseAsOf(parse.GetValue(asOf));
            using var s = await LineageSession.OpenAsync(ct).ConfigureAwait(false);
            var target = await s.Resolver.ResolveAsync(parse.GetValue(reference)!, when, ct).ConfigureAwait(false);
            var r = await new LineageVerifier(s.Workspace, s.Index).VerifyAsync(target.Index, LineageSession.Ms(when), ct).ConfigureAwait(false);
            var first = r.Problems.FirstOrDefault();
            if (parse.GetValue(json))
            {
                CliContext.WriteJson(new
                {
                    @ref = target.Node.Label,
                    intact = r.Intact,
                    nodes = r.Nodes,
                    runs = r.Runs,
                    objects_checked = r.ObjectsChecked,
                    bytes_checked = r.BytesChecked,
                    log_entries = r.Log.Entries,
                    log_head = r.Log.Head?.ToString(),
                    anchored_entry = r.Log.AnchoredSeq,
                    late_sealed = r.LateSealed,
                    late_sealed_at = r.LateSealedAt,
                    first_mismatch = first is null ? null : Problem(first),
                    problems = r.Problems.Select(Problem),
                });
            }
            else if (first is null)
            {
                Console.WriteLine($"{target.Node.Label}: lineage intact: {r.Nodes} nodes, {r.Runs} runs, {r.ObjectsChecked} objects ({CliContext.Size(r.BytesChecked)}) re-hashed, every run's sealed root matches, log of {r.Log.Entries} entries chained{(r.Log.AnchoredSeq is null ? " (no .keel/lineage-head to check its end against)" : " up to its anchor")}");
            }
            else
            {
                Console.WriteLine($"first mismatch: {first.Label} [{first.Kind}] (node {first.NodeId}): {first.Problem}");
                foreach (var p in r.Problems.Skip(1)) Console.WriteLine($"  also: {p.Label} [{p.Kind}] (node {p.NodeId}): {p.Problem}");
            }
            if (!parse.GetValue(json) && r.LateSealed > 0)
                Console.WriteLine($"note: {r.LateSealed} of these runs were recorded before keel sealed lineage and were sealed after the fact on {r.LateSealedAt:yyyy-MM-dd HH:mm} UTC; changes made to them before then cannot be detected");
            return r.Intact ? ExitCodes.Ok : ExitCodes.CheckFailed;
        });
        root.Subcommands.Add(verify);
    }

    internal static object Problem(LineageProblem p) => new { node = p.NodeId, label = p.Label, kind = p.Kind, problem = p.Problem };
}
