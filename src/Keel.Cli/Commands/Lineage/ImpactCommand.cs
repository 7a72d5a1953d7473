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
            var ix = s.Index;
            var text = parse.GetValue(reference)!;
            var ms = LineageSession.Ms(when);
            // A path keel add versions is every version it ever held: runs read them as name@N.
            var versions = ix.FindLabel(text, ms) < 0 ? await VersionsAtPathAsync(s, text, ms, ct).ConfigureAwait(false) : [];
            var target = versions.Count > 0 ? null : await s.Resolver.ResolveAsync(text, when, ct).ConfigureAwait(false);
            var starts = target is null ? versions : [target.Index];
            var reached = new Dictionary<int, int>();
            foreach (var start in starts)
            {
                var view = LineageView.Query(ix, start, LineageDirection.Down, -1, [], ms);
                for (var i = 0; i < view.Nodes.Count; i++)
                    if (!reached.TryGetValue(view.Nodes[i], out var d) || view.Depths[i] < d) reached[view.Nodes[i]] = view.Depths[i];
            }
            var found = reached.Where(kv => kv.Value > 0).Select(kv => (Node: kv.Key, Depth: kv.Value)).ToList();
            var groups = found.GroupBy(x => GroupOf(ix, x.Node)).ToDictionary(g => g.Key, g => g.OrderBy(x => ix.IdOf(x.Node)).ToList());
            // The same label many times (a stage's model from each run) means nothing without which
            // run made each one, from which version: those nodes are read in full to say so.
            var repeated = found.GroupBy(x => ix.LabelOf(x.Node), StringComparer.Ordinal).Where(g => g.Count() > 1).SelectMany(g => g).Select(x => ix.IdOf(x.Node)).ToList();
            var details = repeated.Count == 0 ? [] : (await s.Workspace.Metadata.LineageCatalog.GetManyAsync(repeated, ct).ConfigureAwait(false)).ToDictionary(n => n.Id);
            string[] order = ["deployments", "models", "datasets", "runs", "artifacts", "agents"];
            if (parse.GetValue(json))
            {
                CliContext.WriteJson(new
                {
                    root = target is null ? (object)new { label = text, versions = versions.Select(ix.LabelOf) } : LineageSession.NodeJson(target.Node, 0),
                    total = found.Count,
                    groups = order.ToDictionary(g => g, g => (groups.GetValueOrDefault(g) ?? []).Select(x => NodeJson(ix, x.Node, x.Depth, details))),
                });
                return 0;
            }
            Console.WriteLine(target is null
                ? $"{text} (dataset versions {string.Join(", ", versions.Select(ix.LabelOf))}) fed {found.Count} nodes"
                : $"{target.Node.Label} [{target.Node.Kind}] fed {found.Count} nodes");
            foreach (var g in order)
            {
                var list = groups.GetValueOrDefault(g);
                if (list is null) continue;
                Console.WriteLine($"{g} ({list.Count}):");
                foreach (var x in list.Take(50))
                {
                    var which = Which(ix, x.Node, details);
                    Console.WriteLine($"  {ix.LabelOf(x.Node),-32} [{ix.KindOf(x.Node)}] {x.Depth} hops{(which.Length == 0 ? "" : "  " + which)}");
                }
                if (list.Count > 50) Console.WriteLine($"  … {list.Count - 50} more (use --json for all)");
            }
            return 0;
        });
        root.Subcommands.Add(impact);
    }

    /// <summary>The graph nodes of every version of the datasets that track this workspace path (none when it is not one).</summary>
    private static async Task<List<int>> VersionsAtPathAsync(LineageSession s, string text, long asOfMs, CancellationToken ct)
    {
        string relative;
        try
        {
            relative = s.Workspace.RelativePath(text, CliContext.Cwd);
        }
        catch (KeelException)
        {
            return [];
        }
        var result = new List<int>();
        var datasets = s.Workspace.Metadata.Datasets;
        foreach (var latest in (await datasets.ListLatestAsync(ct).ConfigureAwait(false)).Where(v => v.Path == relative))
            foreach (var v in await datasets.HistoryAsync(latest.Name, ct).ConfigureAwait(false))
                if (s.Index.FindLabel(v.Ref, asOfMs) is var n and >= 0) result.Add(n);
        return result;
    }

    private static object NodeJson(LineageIndex ix, int n, int depth, Dictionary<long, LineageNode> details)
    {
        var node = details.GetValueOrDefault(ix.IdOf(n));
        return new
        {
            id = ix.IdOf(n),
            type = ix.TypeOf(n).ToString().ToLowerInvariant(),
            kind = ix.KindOf(n),
            label = ix.LabelOf(n),
            depth,
            run_id = node?.RunId,
            digest = node?.Digest?.ToString(),
            which = node is null ? null : Which(ix, n, details),
        };
    }

    /// <summary>For a repeated label: the run that made it (or that it is), the dataset and model versions around it, and its digest.</summary>
    private static string Which(LineageIndex ix, int n, Dictionary<long, LineageNode> details)
    {
        if (!details.TryGetValue(ix.IdOf(n), out var node)) return "";
        var parts = new List<string>();
        var run = ix.TypeOf(n) == NodeType.Run ? n : ix.InEdges(n).Where(e => e.Relation == Relation.Generated).Select(e => e.From).DefaultIfEmpty(-1).First();
        if (node.RunId is { } id) parts.Add($"run {id[..Math.Min(12, id.Length)]}" + (run >= 0 && run != n ? $" ({ix.LabelOf(run)})" : ""));
        if (run >= 0)
        {
            var used = ix.InEdges(run).Where(e => e.Relation == Relation.Used && IsVersion(ix, e.From) && ix.KindOf(e.From) == "data").Select(e => ix.LabelOf(e.From)).Distinct().ToList();
            if (used.Count > 0) parts.Add("from " + string.Join(", ", used));
        }
        var registered = ix.OutEdges(n).Where(e => e.Relation == Relation.Derived && IsVersion(ix, e.To)).Select(e => ix.LabelOf(e.To)).Distinct().ToList();
        if (registered.Count > 0) parts.Add("registered as " + string.Join(", ", registered));
        if (node.Digest is { } d) parts.Add(d.Short);
        return string.Join(", ", parts);
    }

    private static bool IsVersion(LineageIndex ix, int n)
    {
        var label = ix.LabelOf(n);
        var at = label.LastIndexOf('@');
        return at > 0 && at < label.Length - 1 && label[(at + 1)..].All(char.IsAsciiDigit);
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
