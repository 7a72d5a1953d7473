using System.CommandLine;
using Keel.Lineage;

namespace Keel.Cli.Commands.Lineage;

/// <summary><c>keel path REF REF</c>: the shortest chain of records linking two nodes.</summary>
internal static class PathCommand
{
    public static void AddTo(RootCommand root)
    {
        var from = new Argument<string>("from") { Description = "one end, e.g. raw@1" };
        var to = new Argument<string>("to") { Description = "the other end, e.g. churn@7" };
        var asOf = LineageSession.AsOfOption();
        var json = CliContext.JsonOption();
        var path = new Command("path", "how one node led to another: the shortest chain of used/generated/derived records") { from, to, asOf, json };
        path.SetAction(async (parse, ct) =>
        {
            var when = LineageSession.ParseAsOf(parse.GetValue(asOf));
            using var s = await LineageSession.OpenAsync(ct).ConfigureAwait(false);
            var a = await s.Resolver.ResolveAsync(parse.GetValue(from)!, when, ct).ConfigureAwait(false);
            var b = await s.Resolver.ResolveAsync(parse.GetValue(to)!, when, ct).ConfigureAwait(false);
            var walk = new LineageTraversal(s.Index);
            var ms = LineageSession.Ms(when);
            // Ids are topological: only the older node can lead to the newer one.
            var (older, newer) = a.Index <= b.Index ? (a, b) : (b, a);
            var found = walk.ShortestPath(older.Index, newer.Index, ms);
            if (found is null)
                throw new CheckFailedException($"no path: {newer.Node.Label} does not come from {older.Node.Label}");
            var ix = s.Index;
            var steps = found.Select((n, i) => new
            {
                node = LineageSession.IndexNodeJson(ix, n, i),
                relation = i == 0 ? null : GraphWriters.Name(ix.InEdges(n).First(e => e.From == found[i - 1]).Relation),
            }).ToList();
            if (parse.GetValue(json))
            {
                CliContext.WriteJson(new { from = older.Node.Label, to = newer.Node.Label, hops = found.Count - 1, path = steps });
                return 0;
            }
            for (var i = 0; i < found.Count; i++)
                Console.WriteLine(i == 0 ? $"{ix.LabelOf(found[i])} [{ix.KindOf(found[i])}]" : $"  -{steps[i].relation}-> {ix.LabelOf(found[i])} [{ix.KindOf(found[i])}]");
            return 0;
        });
        root.Subcommands.Add(path);
    }
}
