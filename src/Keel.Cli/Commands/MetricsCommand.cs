using System.CommandLine;
using Keel.Pipelines;
using Keel.Tracking;

namespace Keel.Cli.Commands;

/// <summary><c>keel metrics history RUN KEY [--plot FILE.png|.svg]</c>, <c>keel metrics show [REF...]</c>, <c>keel metrics diff [A [B]]</c></summary>
internal static class MetricsCommand
{
    public static void AddTo(RootCommand root)
    {
        var run = new Argument<string>("run") { Description = "a run id or a unique prefix of it" };
        var key = new Argument<string>("key") { Description = "the metric key" };
        var plot = new Option<string?>("--plot") { Description = "also draw the history as a chart: FILE.png or FILE.svg" };
        var json = CliContext.JsonOption();
        var history = new Command("history", "every value of a metric, by step") { run, key, plot, json };
        history.SetAction(async (parse, ct) =>
        {
            using var ws = CliContext.OpenWorkspace();
            var id = await RunResolver.ResolveAsync(ws.Metadata.Runs, parse.GetValue(run)!, ct).ConfigureAwait(false);
            var k = parse.GetValue(key)!;
            var points = await ws.Metadata.Runs.MetricHistoryAsync(id, k, ct).ConfigureAwait(false);
            if (points.Count == 0) throw new KeelException($"run {id.Short} has no metric '{k}'; 'keel runs show {id.Short}' lists its metrics");
            string? plotted = null;
            if (parse.GetValue(plot) is { } file)
                plotted = MetricPlot.Save(points, $"{k} ({id.Short})", Path.GetFullPath(Path.Combine(CliContext.Cwd, file)));
            if (parse.GetValue(json))
            {
                CliContext.WriteJson(new { run = id.ToString(), key = k, points = points.Select(TrackingJson.Metric), plot = plotted });
                return 0;
            }
            foreach (var p in points) Console.WriteLine($"{p.Step,8}  {TrackingJson.Number(p.Value),-14} {p.Timestamp:yyyy-MM-dd HH:mm:ss.fff}");
            if (plotted is not null) Console.Error.WriteLine($"keel: plot written to {plotted}");
            return 0;
        });
        root.Subcommands.Add(new Command("metrics", "metric histories; the metrics of the workspace, commits and runs, and their differences") { history, Show(), Diff() });
    }

    private static Command Show()
    {
        var refs = new Argument<string[]>("refs") { Description = "workspace (default), a run id, or a git revision (run:ID and git:REV force one)", Arity = ArgumentArity.ZeroOrMore };
        var json = CliContext.JsonOption();
        var show = new Command("show", "the metrics of the workspace's metrics files, a commit or a run") { refs, json };
        show.SetAction(async (parse, ct) =>
        {
            using var ws = CliContext.OpenWorkspace();
            var names = parse.GetValue(refs) is { Length: > 0 } given ? given : [PipelineMetrics.WorkspaceRef];
            var snapshots = new List<MetricsSnapshot>();
            foreach (var name in names) snapshots.Add(await PipelineMetrics.ResolveAsync(ws, name, ct).ConfigureAwait(false));
            if (parse.GetValue(json))
            {
                CliContext.WriteJson(new
                {
                    sources = snapshots.Select(s => new
                    {
                        source = s.Label,
                        kind = s.Kind,
                        metrics = s.Rows.Select(Json),
                        notes = s.Notes,
                    }),
                });
                return 0;
            }
            foreach (var s in snapshots)
            {
                Console.WriteLine(s.Label);
                var width = s.Rows.Select(r => r.Key.Length).DefaultIfEmpty(6).Max();
                foreach (var group in s.Rows.GroupBy(r => r.Path))
                {
                    if (group.Key is not null) Console.WriteLine($"  {group.Key}");
                    foreach (var r in group.OrderBy(r => r.Key, StringComparer.Ordinal))
                        Console.WriteLine($"    {r.Key.PadRight(width)}  {Value(r)}");
                }
                foreach (var n in s.Notes) Console.WriteLine($"  ({n})");
            }
            return 0;
        });
        return show;
    }

    private static Command Diff()
    {
        var a = new Argument<string?>("a") { Description = "the old side: a git revision (default HEAD), a run id or workspace", Arity = ArgumentArity.ZeroOrOne };
        var b = new Argument<string?>("b") { Description = "the new side (default workspace)", Arity = ArgumentArity.ZeroOrOne };
        var all = new Option<bool>("--all") { Description = "also list metrics that did not change" };
        var json = CliContext.JsonOption();
        var diff = new Command("diff", "how metrics changed between two commits, two runs, or HEAD and the workspace (as dvc metrics diff)") { a, b, all, json };
        diff.SetAction(async (parse, ct) =>
        {
            using var ws = CliContext.OpenWorkspace();
            var oldRef = parse.GetValue(a);
            if (oldRef is null)
            {
                oldRef = PipelineMetrics.DefaultBaseline(ws, out var why)
                    ?? throw new KeelException($"nothing to compare the workspace with: {why}; name two sides, e.g. keel metrics diff RUN_A RUN_B");
            }
            var newRef = parse.GetValue(b) ?? PipelineMetrics.WorkspaceRef;
            var old = await PipelineMetrics.ResolveAsync(ws, oldRef, ct).ConfigureAwait(false);
            var @new = await PipelineMetrics.ResolveAsync(ws, newRef, ct).ConfigureAwait(false);
            var rows = MetricsDiffRow.Compare(old, @new).Where(r => parse.GetValue(all) || r.Differs).ToList();
            if (parse.GetValue(json))
            {
                CliContext.WriteJson(new
                {
                    old = old.Label,
                    @new = @new.Label,
                    rows = rows.Select(r => new
                    {
                        path = r.Path,
                        key = r.Key,
                        old = r.Old is null ? null : JsonValue(r.Old),
                        @new = r.New is null ? null : JsonValue(r.New),
                        change = r.Change,
                    }),
                    notes = old.Notes.Select(n => $"{old.Label}: {n}").Concat(@new.Notes.Select(n => $"{@new.Label}: {n}")),
                });
                return 0;
            }
            foreach (var n in old.Notes) Console.Error.WriteLine($"keel: {old.Label}: {n}");
            foreach (var n in @new.Notes) Console.Error.WriteLine($"keel: {@new.Label}: {n}");
            if (rows.Count == 0)
            {
                Console.WriteLine($"no metric changed between {old.Label} and {@new.Label}{(parse.GetValue(all) ? "" : " (--all lists them)")}");
                return 0;
            }
            string[] header = ["Path", "Metric", old.Label, @new.Label, "Change"];
            var table = rows.Select(r => new[]
            {
                r.Path ?? "-", r.Key, r.Old is null ? "-" : Value(r.Old), r.New is null ? "-" : Value(r.New),
                r.Change is { } c ? (c > 0 ? "+" : "") + TrackingJson.Number(c) : r.Old is null ? "added" : r.New is null ? "removed" : "-",
            }).ToList();
            // Two runs' metrics come from no file: the Path column would only hold dashes.
            var skip = rows.All(r => r.Path is null) ? 1 : 0;
            var widths = header.Select((h, i) => table.Select(t => t[i].Length).Append(h.Length).Max()).ToArray();
            Console.WriteLine(string.Join("  ", header.Skip(skip).Select((h, i) => h.PadRight(widths[i + skip]))).TrimEnd());
            foreach (var t in table) Console.WriteLine(string.Join("  ", t.Skip(skip).Select((v, i) => v.PadRight(widths[i + skip]))).TrimEnd());
            return 0;
        });
        return diff;
    }

    private static string Value(MetricsRow r) => r.Number is { } v ? TrackingJson.Number(v) : r.Text;

    private static object? JsonValue(MetricsRow r) => r.Number is { } v ? v : r.Text;

    private static object Json(MetricsRow r) => new { path = r.Path, key = r.Key, value = JsonValue(r) };
}
