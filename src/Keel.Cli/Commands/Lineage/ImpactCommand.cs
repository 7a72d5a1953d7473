using System.CommandLine;
using Keel.Lineage;

namespace Keel.Cli.Commands.Lineage;

/// <summary><c>keel impact REF</c>: every run, dataset, model and deployment that used it, directly or not.</summary>
internal static class ImpactCommand
{
    public static void AddTo(RootCommand root)
    {
        var reference = new Argument<string>("ref") { Description = "a dataset version, artifact, run or digest" };
        var asOf = LineageSession.AsOfOption();
        var json = CliContext.JsonOption();
        var impact = new Command("impact", "everything downstream of a reference, grouped: runs, datasets, models, deployments, other artifacts") { reference, asOf, json };
        impact.SetAction(async (parse, ct) =>
        {
            var when = LineageSession.ParseAsOf(parse.GetValue(asOf));
            using var s = await LineageSession.OpenAsync(ct).ConfigureAwait(false);
            var target = await s.Resolver.ResolveAsync(parse.GetValue(reference)!, when, ct).ConfigureAwait(false);
            var view = LineageView.Query(s.Index, target.Index, LineageDirection.Down, -1, [], LineageSession.Ms(when));
            var ix = s.Index;
            var found = view.Nodes.Skip(1).Select((n, i) => (Node: n, Depth: view.Depths[i + 1])).ToList();
            var groups = found.GroupBy(x => GroupOf(ix, x.Node)).ToDictionary(g => g.Key, g => g.OrderBy(x => ix.IdOf(x.Node)).ToList());
            string[] order = ["deployments", "models", "datasets", "runs", "artifacts", "agents"];
            if (parse.GetValue(json))
            {
                CliContext.WriteJson(new
                {
                    root = LineageSession.NodeJson(target.Node, 0),
                    total = found.Count,
                    groups = order.ToDictionary(g => g, g => (groups.GetValueOrDefault(g) ?? []).Select(x => LineageSession.IndexNodeJson(ix, x.Node, x.Depth))),
                });
                return 0;
            }
            Console.WriteLine($"{target.Node.Label} [{target.Node.Kind}] fed {found.Count} nodes");
            foreach (var g in order)
            {
                var list = groups.GetValueOrDefault(g);
                if (list is null) continue;
                Console.WriteLine($"{g} ({list.Count}):");
                foreach (var x in list.Take(50)) Console.WriteLine($"  {ix.LabelOf(x.Node),-32} [{ix.KindOf(x.Node)}] {x.Depth} hops");
                if (list.Count > 50) Console.WriteLine($"  … {list.Count - 50} more (use --json for all)");
            }
            return 0;
        });
        root.Subcommands.Add(impact);
    }

    private static string GroupOf(LineageIndex ix, int n) => (ix.TypeOf(n), ix.KindOf(n)) switch
    {
        (NodeType.Run, "deploy") => "deployments",
        (NodeType.Run, _) => "runs",
        (NodeType.Agent, _) => "agents",
        (_, "model") => "models",
        (_, "data") => "datasets",
        _ => "artifacts",
    };
}
