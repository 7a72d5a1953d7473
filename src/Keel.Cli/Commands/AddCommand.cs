using System.CommandLine;
using Keel.Datasets;
using Keel.Objects;
using Keel.Workspaces;

namespace Keel.Cli.Commands;

/// <summary><c>keel add PATH... [--name N] [--message M] [--json]</c></summary>
internal static class AddCommand
{
    public static void AddTo(RootCommand root)
    {
        var paths = new Argument<string[]>("path") { Description = "files or directories to version", Arity = ArgumentArity.OneOrMore };
        var name = new Option<string?>("--name", "-n") { Description = "dataset name (default: from the path)" };
        var message = new Option<string?>("--message", "-m") { Description = "a note stored with the version" };
        var link = new Option<string?>("--link") { Description = "copy, hardlink or reflink: how files go into the object store (default: link: in .keel/config.yaml, else copy)" };
        var json = CliContext.JsonOption();
        var command = new Command("add", "version files or directories as the next version of a dataset") { paths, name, message, link, json };
        command.SetAction(async (parse, ct) =>
        {
            var targets = parse.GetValue(paths)!;
            if (targets.Length > 1 && parse.GetValue(name) is not null)
                throw new KeelException("--name names one dataset; give one path with it, or drop --name to name each path's dataset after it");
            var linkMode = parse.GetValue(link) is { } text
                ? WorkspaceConfig.ParseLink(text) ?? throw new KeelException($"--link is copy, hardlink or reflink, not '{text}'")
                : (LinkMode?)null;
            using var ws = CliContext.OpenWorkspace();
            var results = new List<object>();
            foreach (var path in targets)
            {
                AddResult result;
                using (var bar = new ProgressBar($"adding {path}", ProgressBar.Enabled ? DatasetAdder.EstimateBytes(ws, path, CliContext.Cwd) : 0))
                {
                    result = await new DatasetAdder(ws, bar) { Link = linkMode }.AddAsync(path, CliContext.Cwd, parse.GetValue(name), parse.GetValue(message), ct).ConfigureAwait(false);
                }
                var v = result.Version;
                results.Add(new
                {
                    @ref = v.Ref, name = v.Name, version = v.Version, digest = v.Digest.ToString(), kind = v.Kind, path = v.Path,
                    files = v.Files, bytes = v.Bytes, unchanged = result.Unchanged, hashed_bytes = result.HashedBytes,
                    restored_objects = result.Unchanged ? result.StoredFiles : 0,
                });
                if (!parse.GetValue(json))
                {
                    Console.WriteLine(result.Unchanged
                        ? $"{v.Ref} {v.Digest} (unchanged: {v.Path} is already this version{(result.StoredFiles > 0 ? $"; {result.StoredFiles} missing object(s) stored again" : "")})"
                        : $"{v.Ref} {v.Digest} ({v.Files} file{(v.Files == 1 ? "" : "s")}, {CliContext.Size(v.Bytes)})");
                }
            }
            if (parse.GetValue(json)) CliContext.WriteJson(results.Count == 1 ? results[0] : results);
            return 0;
        });
        root.Subcommands.Add(command);
    }
}
