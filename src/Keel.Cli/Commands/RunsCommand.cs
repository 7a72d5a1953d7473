using System.CommandLine;
using Keel.Tracking;
using Keel.Tracking.Filters;

namespace Keel.Cli.Commands;

/// <summary><c>keel runs list | show RUN | compare RUN RUN...</c></summary>
internal static class RunsCommand
{
    public static void AddTo(RootCommand root)
    {
        var experiment = new Option<string?>("--experiment") { Description = "only runs of this experiment" };
        var filter = new Option<string?>("--filter") { Description = "e.g. \"metrics.auc > 0.9 and params.trainer = 'lightgbm'\"" };
        var sort = new Option<string?>("--sort") { Description = "metrics.KEY, params.KEY, tags.KEY or an attribute; '-' in front for descending (default: newest first)" };
        var limit = new Option<int>("--limit") { Description = "at most this many runs (default 50)", DefaultValueFactory = _ => 50 };
        var columns = new Option<string?>("--columns") { Description = "extra columns, comma-separated: metrics.KEY, params.KEY, tags.KEY, e.g. metrics.auc,params.train.trees" };
        var listJson = CliContext.JsonOption();
        var list = new Command("list", "runs, newest first, optionally filtered and sorted") { experiment, filter, sort, limit, columns, listJson };
        list.SetAction(async (parse, ct) =>
        {
            var parsedFilter = parse.GetValue(filter) is { } f ? FilterParser.Parse(f) : null;
            var parsedSort = parse.GetValue(sort) is { } s ? RunSort.Parse(s) : RunSort.Default;
            if (parse.GetValue(limit) < 1) throw new KeelException("--limit must be at least 1");
            var extra = RunColumns.Parse(parse.GetValue(columns));
            using var ws = CliContext.OpenWorkspace();
            await RunReaper.ReapAsync(ws.Metadata.Runs, ws.Time, ct).ConfigureAwait(false);
            var runs = await ws.Metadata.Runs.QueryAsync(new RunQuery(parse.GetValue(experiment), parsedFilter, parsedSort, parse.GetValue(limit)), ct).ConfigureAwait(false);
            var values = await RunColumns.ValuesAsync(ws.Metadata.Runs, runs, extra, ct).ConfigureAwait(false);
            if (parse.GetValue(listJson))
            {
                CliContext.WriteJson(new { runs = runs.Select(TrackingJson.Run), columns = extra.Select(c => c.ToString()), values });
                return 0;
            }
            if (runs.Count == 0)
            {
                Console.WriteLine(await NoRunsHintAsync(ws.Metadata.Runs, parse.GetValue(experiment), parsedFilter is not null, ct).ConfigureAwait(false));
                return 0;
            }
            RunColumns.Print(runs, extra, values);
            return 0;
        });

        var runArg = new Argument<string>("run") { Description = "a run id or a unique prefix of it" };
        var showJson = CliContext.JsonOption();
        var show = new Command("show", "one run: params, latest metrics, tags, inputs, outputs, code, environment, resources") { runArg, showJson };
        show.SetAction(async (parse, ct) =>
        {
            using var ws = CliContext.OpenWorkspace();
            await RunReaper.ReapAsync(ws.Metadata.Runs, ws.Time, ct).ConfigureAwait(false);
            var id = await RunResolver.ResolveAsync(ws.Metadata.Runs, parse.GetValue(runArg)!, ct).ConfigureAwait(false);
            var d = (await ws.Metadata.Runs.GetDetailAsync(id, ct).ConfigureAwait(false))!;
            if (parse.GetValue(showJson))
            {
                CliContext.WriteJson(TrackingJson.Detail(d));
                return 0;
            }
            RunPrinter.Print(d);
            return 0;
        });

        var many = new Argument<string[]>("runs") { Description = "two or more runs", Arity = new ArgumentArity(1, 100) };
        var compareJson = CliContext.JsonOption();
        var compare = new Command("compare", "params, latest metrics, code and environment side by side; differences marked with *") { many, compareJson };
        compare.SetAction(async (parse, ct) =>
        {
            var names = parse.GetValue(many)!;
            // One run parses (so the message can say what was given), but there is nothing to compare it with.
            if (names.Length < 2)
                throw new KeelException($"runs compare needs two or more runs, and got one ({names[0]}); 'keel runs show {names[0]}' prints a single run");
            using var ws = CliContext.OpenWorkspace();
            var details = new List<RunDetail>();
            foreach (var text in names)
            {
                var id = await RunResolver.ResolveAsync(ws.Metadata.Runs, text, ct).ConfigureAwait(false);
                details.Add((await ws.Metadata.Runs.GetDetailAsync(id, ct).ConfigureAwait(false))!);
            }
            var rows = RunComparison.Rows(details);
            if (parse.GetValue(compareJson))
            {
                CliContext.WriteJson(new
                {
                    runs = details.Select(d => d.Run.Id.ToString()),
                    rows = rows.Select(r => new { field = r.Field, values = r.Values, differs = r.Differs }),
                });
                return 0;
            }
            var width = Math.Max(10, rows.Max(r => r.Field.Length));
            Console.WriteLine($"  {"".PadRight(width)}  {string.Join("  ", details.Select(d => d.Run.Id.Short.PadRight(16)))}");
            foreach (var r in rows)
                Console.WriteLine($"{(r.Differs ? "* " : "  ")}{r.Field.PadRight(width)}  {string.Join("  ", r.Values.Select(v => (v ?? "-").PadRight(16)))}");
            return 0;
        });

        root.Subcommands.Add(new Command("runs", "find, inspect and compare tracked runs") { list, show, compare });
    }

    // "Create runs with keel exec" is advice only for a workspace without runs; otherwise the filter or the experiment left them out.
    private static async Task<string> NoRunsHintAsync(Keel.Metadata.IRunStore store, string? experiment, bool filtered, CancellationToken ct)
    {
        var any = await store.QueryAsync(new RunQuery(null, null, RunSort.Default, 1), ct).ConfigureAwait(false);
        if (any.Count == 0) return "no runs yet; 'keel run' (pipeline stages), 'keel exec -- CMD' or the SDK creates runs";
        var what = (filtered, experiment) switch
        {
            (true, not null) => $"--filter in experiment '{experiment}'",
            (true, null) => "--filter",
            _ => $"experiment '{experiment}'",
        };
        return $"no runs match {what}; runs exist ('keel runs list' without it shows them, 'keel runs show RUN' the metrics and params a filter can name)";
    }
}
