using System.CommandLine;
using Keel.Lineage;

namespace Keel.Cli.Commands.Lineage;

/// <summary><c>keel diff REF REF</c>: how two artifacts' histories differ, stage by stage.</summary>
internal static class DiffCommand
{
    public static void AddTo(RootCommand root)
    {
        var a = new Argument<string>("a") { Description = "the first artifact, e.g. churn@6" };
        var b = new Argument<string>("b") { Description = "the second artifact, e.g. churn@7" };
        var asOf = LineageSession.AsOfOption();
        var json = CliContext.JsonOption();
        var diff = new Command("diff", "how two artifacts' histories differ: per stage command, code, params, inputs, environment, seed") { a, b, asOf, json };
        diff.SetAction(async (parse, ct) =>
        {
            var when = LineageSession.ParseAsOf(parse.GetValue(asOf));
            using var s = await LineageSession.OpenAsync(ct).ConfigureAwait(false);
            var ra = await s.Resolver.ResolveAsync(parse.GetValue(a)!, when, ct).ConfigureAwait(false);
            var rb = await s.Resolver.ResolveAsync(parse.GetValue(b)!, when, ct).ConfigureAwait(false);
            var ms = LineageSession.Ms(when);
            var ga = await LineageClosure.UpstreamAsync(s.Workspace.Metadata, s.Index, ra.Index, ms, ct).ConfigureAwait(false);
            var gb = await LineageClosure.UpstreamAsync(s.Workspace.Metadata, s.Index, rb.Index, ms, ct).ConfigureAwait(false);
            var (stages, sources) = LineageDiff.Compare(ga, gb);
            if (parse.GetValue(json))
            {
                CliContext.WriteJson(new
                {
                    a = LineageSession.NodeJson(ra.Node),
                    b = LineageSession.NodeJson(rb.Node),
                    identical = stages.All(x => x.Changes.Count == 0) && sources.Count == 0,
                    stages = stages.Select(x => new { stage = x.Stage, run_a = x.RunA, run_b = x.RunB, changes = x.Changes.Select(c => new { field = c.Field, a = c.A, b = c.B }) }),
                    sources = sources.Select(c => new { name = c.Field, a = c.A, b = c.B }),
                });
                return 0;
            }
            Console.WriteLine($"--- {ra.Node.Label} ({ra.Node.Digest?.Short ?? "no digest"})\n+++ {rb.Node.Label} ({rb.Node.Digest?.Short ?? "no digest"})");
            foreach (var st in stages)
            {
                if (st.Changes.Count == 0)
                {
                    Console.WriteLine($"stage {st.Stage}: same");
                    continue;
                }
                Console.WriteLine($"stage {st.Stage}: {st.RunA ?? "(absent)"} vs {st.RunB ?? "(absent)"}");
                foreach (var c in st.Changes) Console.WriteLine($"  {c.Field}: {c.A ?? "(none)"} -> {c.B ?? "(none)"}");
            }
            if (sources.Count > 0)
            {
                Console.WriteLine("raw sources:");
                foreach (var c in sources) Console.WriteLine($"  {c.Field}: {c.A ?? "(none)"} -> {c.B ?? "(none)"}");
            }
            return 0;
        });
        root.Subcommands.Add(diff);
    }
}
