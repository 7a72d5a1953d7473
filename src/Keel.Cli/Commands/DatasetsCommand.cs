using System.CommandLine;
using Keel.Datasets;
using Keel.Metadata;
using Keel.Objects;

namespace Keel.Cli.Commands;

/// <summary><c>keel datasets list | show REF</c> and <c>keel log NAME</c></summary>
internal static class DatasetsCommand
{
    public static void AddTo(RootCommand root)
    {
        var listJson = CliContext.JsonOption();
        var list = new Command("list", "every dataset with its latest version") { listJson };
        list.SetAction(async (parse, ct) =>
        {
            using var ws = CliContext.OpenWorkspace();
            var all = await ws.Metadata.Datasets.ListLatestAsync(ct).ConfigureAwait(false);
            if (parse.GetValue(listJson))
            {
                CliContext.WriteJson(new { datasets = all.Select(Json) });
                return 0;
            }
            if (all.Count == 0) Console.WriteLine("no datasets yet; 'keel add PATH' creates one");
            foreach (var v in all)
                Console.WriteLine($"{v.Ref,-24} {v.Digest.Short}  {v.Files,7} files {CliContext.Size(v.Bytes),10}  {v.Path}");
            return 0;
        });

        var reference = new Argument<string>("ref") { Description = "a dataset version, e.g. raw@3" };
        var showJson = CliContext.JsonOption();
        var files = new Option<bool>("--files") { Description = "list the files of a directory version" };
        var show = new Command("show", "one version in detail") { reference, files, showJson };
        show.SetAction(async (parse, ct) =>
        {
            using var ws = CliContext.OpenWorkspace();
            var v = await DatasetResolver.ResolveAsync(ws, parse.GetValue(reference)!, ct).ConfigureAwait(false);
            var entries = parse.GetValue(files) && v.Kind == TreeKind.Directory ? ManifestReader.Read(ws.Objects, v.Digest).Entries : [];
            if (parse.GetValue(showJson))
            {
                CliContext.WriteJson(new
                {
                    dataset = Json(v),
                    files = entries.Select(e => new { path = e.Path, size = e.Size, mode = Convert.ToString(e.Mode, 8), digest = e.Digest.ToString() }),
                });
                return 0;
            }
            Console.WriteLine($"{v.Ref}\n  digest   {v.Digest}\n  kind     {v.Kind.ToString().ToLowerInvariant()}\n  path     {v.Path}\n  files    {v.Files}\n  size     {CliContext.Size(v.Bytes)}\n  created  {v.CreatedAt:u} by {v.User}@{v.Host}");
            if (v.Message is not null) Console.WriteLine($"  message  {v.Message}");
            foreach (var e in entries) Console.WriteLine($"  {e.Digest.Short} {e.Size,10} {e.Path}");
            return 0;
        });

        var datasets = new Command("datasets", "list and inspect datasets") { list, show };
        root.Subcommands.Add(datasets);

        var name = new Argument<string>("name") { Description = "a dataset name" };
        var logJson = CliContext.JsonOption();
        var log = new Command("log", "every version of a dataset, newest first") { name, logJson };
        log.SetAction(async (parse, ct) =>
        {
            using var ws = CliContext.OpenWorkspace();
            var n = parse.GetValue(name)!;
            DatasetRef.ValidateName(n);
            var history = await ws.Metadata.Datasets.HistoryAsync(n, ct).ConfigureAwait(false);
            if (history.Count == 0) await DatasetResolver.ResolveAsync(ws, n, ct).ConfigureAwait(false);
            if (parse.GetValue(logJson))
            {
                CliContext.WriteJson(new { name = n, versions = history.Reverse().Select(Json) });
                return 0;
            }
            foreach (var v in history.Reverse())
                Console.WriteLine($"{v.Ref,-20} {v.CreatedAt:u}  {v.Digest.Short}  {v.Files} files {CliContext.Size(v.Bytes)}  {v.User}{(v.Message is null ? "" : "  " + v.Message)}");
            return 0;
        });
        root.Subcommands.Add(log);
    }

    private static object Json(DatasetVersion v) => new
    {
        @ref = v.Ref, name = v.Name, version = v.Version, digest = v.Digest.ToString(), kind = v.Kind, path = v.Path,
        files = v.Files, bytes = v.Bytes, message = v.Message, created_at = v.CreatedAt, user = v.User, host = v.Host,
    };
}
