using System.CommandLine;
using Keel.Datasets;

namespace Keel.Cli.Commands;

/// <summary><c>keel checkout REF [-o DIR] [--force]</c></summary>
internal static class CheckoutCommand
{
    public static void AddTo(RootCommand root)
    {
        var reference = new Argument<string>("ref") { Description = "a dataset version, e.g. raw@3 (or raw for the latest)" };
        var output = new Option<string?>("--output", "-o") { Description = "write here instead of the tracked path" };
        var force = new Option<bool>("--force", "-f") { Description = "overwrite unversioned changes or a non-empty folder" };
        var json = CliContext.JsonOption();
        var command = new Command("checkout", "materialise exactly the bytes of a version") { reference, output, force, json };
        command.SetAction(async (parse, ct) =>
        {
            using var ws = CliContext.OpenWorkspace();
            var r = await new DatasetCheckout(ws).CheckoutAsync(parse.GetValue(reference)!, parse.GetValue(output), CliContext.Cwd, parse.GetValue(force), ct).ConfigureAwait(false);
            if (parse.GetValue(json))
                CliContext.WriteJson(new { @ref = r.Version.Ref, digest = r.Version.Digest.ToString(), target = r.Target, written = r.FilesWritten, kept = r.FilesKept, removed = r.FilesRemoved });
            else
                Console.WriteLine($"{r.Version.Ref} -> {r.Target} ({r.FilesWritten} written, {r.FilesKept} already right, {r.FilesRemoved} removed)");
            return 0;
        });
        root.Subcommands.Add(command);
    }
}
