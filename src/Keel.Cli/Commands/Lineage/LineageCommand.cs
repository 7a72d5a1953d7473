using System.CommandLine;
using Keel.Lineage;

namespace Keel.Cli.Commands.Lineage;

/// <summary><c>keel lineage REF [--up|--down|--both] [--depth N] [--kinds K,...] [--as-of T] [--format F]</c> and <c>keel lineage import FILE</c></summary>
internal static class LineageCommand
{
    private static readonly string[] Formats = ["tree", "json", "dot", "mermaid", "prov-json", "openlineage"];

    public static void AddTo(RootCommand root)
    {
        var reference = new Argument<string>("ref") { Description = "raw@3, churn@7, churn@production, run:<id prefix>, blake3:<digest>, node:<id>" };
        var up = new Option<bool>("--up") { Description = "what it came from (the default)" };
        var down = new Option<bool>("--down") { Description = "what it fed" };
        var both = new Option<bool>("--both") { Description = "both directions" };
        var depth = new Option<int>("--depth") { Description = "hops to follow (default: all)", DefaultValueFactory = _ => -1 };
        var kinds = new Option<string?>("--kinds") { Description = "show only these kinds or types, comma-separated (data,model,run,...)" };
        var asOf = LineageSession.AsOfOption();
        var format = new Option<string>("--format") { Description = "tree | json | dot | mermaid | prov-json | openlineage", DefaultValueFactory = _ => "tree" };
        format.AcceptOnlyFromAmong(Formats);
        var json = CliContext.JsonOption();
        var lineage = new Command("lineage", "the provenance of an artifact or run: what it came from and what it fed")
        {
            reference, up, down, both, depth, kinds, asOf, format, json,
        };
        lineage.SetAction(async (parse, ct) =>
        {
            var dirs = new[] { parse.GetValue(up), parse.GetValue(down), parse.GetValue(both) }.Count(x => x);
            if (dirs > 1) throw new KeelException("choose one of --up, --down and --both");
            var direction = parse.GetValue(down) ? LineageDirection.Down : parse.GetValue(both) ? LineageDirection.Both : LineageDirection.Up;
            var when = LineageSession.ParseAsOf(parse.GetValue(asOf));
            var fmt = parse.GetValue(json) ? "json" : parse.GetValue(format)!;
            var kindList = (parse.GetValue(kinds) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            using var s = await LineageSession.OpenAsync(ct).ConfigureAwait(false);
            var target = await s.Resolver.ResolveAsync(parse.GetValue(reference)!, when, ct).ConfigureAwait(false);
            var view = LineageView.Query(s.Index, target.Index, direction, parse.GetValue(depth), kindList, LineageSession.Ms(when));
            await WriteAsync(s, target, view, fmt, ct).ConfigureAwait(false);
            return 0;
        });

        var file = new Argument<string>("file") { Description = "OpenLineage RunEvents, one JSON object per line" };
        var importJson = CliContext.JsonOption();
        var import = new Command("import", "add OpenLineage events from other tools (Airflow, Spark, dbt, ...) to the graph") { file, importJson };
        import.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path)) throw new KeelException($"'{path}' does not exist");
            using var ws = CliContext.OpenWorkspace();
            using var reader = new StreamReader(path);
            var r = await OpenLineageImport.ImportAsync(ws.Metadata, reader, path, ct).ConfigureAwait(false);
            if (parse.GetValue(importJson))
            {
                CliContext.WriteJson(new { events = r.Events, runs = r.Runs, datasets = r.Datasets, runs_already_known = r.RunsAlreadyKnown, datasets_linked = r.DatasetsLinked });
                return 0;
            }
            Console.WriteLine($"imported {r.Events} events: {r.Runs} new runs, {r.Datasets} new datasets; {r.RunsAlreadyKnown} runs were already known, {r.DatasetsLinked} datasets linked to existing versions by digest");
            return 0;
        });
        lineage.Subcommands.Add(import);
        root.Subcommands.Add(lineage);
    }

    private static async Task WriteAsync(LineageSession s, ResolvedNode target, LineageView view, string format, CancellationToken ct)
    {
        switch (format)
        {
            case "dot":
                Console.Write(GraphWriters.Dot(view));
                return;
            case "mermaid":
                Console.Write(GraphWriters.Mermaid(view));
                return;
            case "tree":
                Console.Write(TreeWriter.Write(view));
                return;
        }
        var graph = await LineageGraph.LoadAsync(s.Workspace.Metadata, view.Nodes.Select(s.Index.IdOf).ToList(), ct).ConfigureAwait(false);
        switch (format)
        {
            case "prov-json":
                Console.WriteLine(LineageSession.Pretty(ProvJsonExporter.Export(graph)));
                return;
            case "openlineage":
                foreach (var e in OpenLineageExporter.Export(graph, $"keel://{Path.GetFileName(s.Workspace.Root)}")) Console.WriteLine(e.ToJsonString());
                return;
        }
        var depthOf = new Dictionary<long, int>();
        for (var i = 0; i < view.Nodes.Count; i++) depthOf[s.Index.IdOf(view.Nodes[i])] = view.Depths[i];
        CliContext.WriteJson(new
        {
            root = LineageSession.NodeJson(target.Node, 0),
            direction = view.Direction.ToString().ToLowerInvariant(),
            count = graph.Nodes.Count,
            counts = view.CountsByKind(),
            nodes = graph.Nodes.OrderBy(n => depthOf[n.Id]).ThenBy(n => n.Id).Select(n => LineageSession.NodeJson(n, depthOf[n.Id])),
            edges = graph.Edges.Select(e => new { from = e.From, to = e.To, relation = GraphWriters.Name(e.Relation), role = e.Role }),
        });
    }
}
