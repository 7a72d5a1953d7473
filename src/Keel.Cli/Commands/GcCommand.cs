using System.CommandLine;
using Keel.Objects;

namespace Keel.Cli.Commands;

/// <summary><c>keel gc [--dry-run] [--grace DURATION] [--wait DURATION]</c></summary>
internal static class GcCommand
{
    public static void AddTo(RootCommand root)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "report what would be deleted, delete nothing" };
        var grace = new Option<string>("--grace") { Description = "keep unreferenced objects younger than this (e.g. 1h, 10m, 0s)", DefaultValueFactory = _ => "1h" };
        var wait = new Option<string>("--wait") { Description = "how long to wait for running writers (add, run, push, ...) to finish", DefaultValueFactory = _ => "30s" };
        var json = CliContext.JsonOption();
        var command = new Command("gc", "delete objects nothing references") { dryRun, grace, wait, json };
        command.SetAction(async (parse, ct) =>
        {
            var graceSpan = Durations.Parse(parse.GetValue(grace)!, "--grace");
            var waitSpan = Durations.Parse(parse.GetValue(wait)!, "--wait");
            using var ws = CliContext.OpenWorkspace();
            var r = await new GarbageCollector(ws).RunAsync(parse.GetValue(dryRun), graceSpan, waitSpan, ct).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                CliContext.WriteJson(new { dry_run = r.DryRun, kept = r.Kept, removed = r.Removed, bytes_removed = r.BytesRemoved, skipped_recent = r.SkippedRecent, temp_files_removed = r.TempFilesRemoved });
                return 0;
            }
            var verb = r.DryRun ? "would remove" : "removed";
            Console.WriteLine($"{verb} {r.Removed} object(s), {CliContext.Size(r.BytesRemoved)}; kept {r.Kept} referenced" +
                (r.SkippedRecent > 0 ? $", {r.SkippedRecent} unreferenced but younger than --grace" : "") +
                (r.TempFilesRemoved > 0 ? $"; {verb} {r.TempFilesRemoved} stale temp file(s)" : ""));
            return 0;
        });
        root.Subcommands.Add(command);
    }
}
