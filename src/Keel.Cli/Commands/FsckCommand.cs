using System.CommandLine;
using Keel.Objects;

namespace Keel.Cli.Commands;

/// <summary><c>keel fsck [--repair [--remote NAME]] [--json]</c>: exit 1 when any object is missing or corrupt (after repair: still).</summary>
internal static class FsckCommand
{
    private const string RepairAdvice = "run 'keel fsck --repair': it restores them from workspace files that still hash to them, or from a remote ('keel remote add NAME URI')";

    public static void AddTo(RootCommand root)
    {
        var json = CliContext.JsonOption();
        var repair = new Option<bool>("--repair") { Description = "move corrupt objects aside (objects/damaged/) and restore damaged ones from workspace files that re-hash to them, or from the remotes" };
        var remote = new Option<string?>("--remote", "-r") { Description = "with --repair: restore only from this remote (default: every configured remote, in order)" };
        var command = new Command("fsck", "re-hash every object; report missing and corrupt ones and what uses them; --repair mends them") { repair, remote, json };
        command.SetAction(async (parse, ct) =>
        {
            using var ws = CliContext.OpenWorkspace();
            if (parse.GetValue(remote) is { } only && !parse.GetValue(repair))
                throw new KeelException("--remote only applies with --repair; run 'keel fsck --repair --remote " + only + "'");
            var total = ws.Objects.List().Sum(d => ws.Objects.SizeOf(d) ?? 0);
            if (parse.GetValue(repair)) return await RepairAsync(ws, parse.GetValue(remote), parse.GetValue(json), total, ct).ConfigureAwait(false);
            FsckReport report;
            using (var bar = new ProgressBar("checking", total))
            {
                report = await new Fsck(ws).RunAsync(bar, ct).ConfigureAwait(false);
            }
            if (parse.GetValue(json))
            {
                CliContext.WriteJson(new
                {
                    healthy = report.Healthy, objects_checked = report.ObjectsChecked, bytes_checked = report.BytesChecked,
                    stale_temp_files = report.StaleTempFiles,
                    damaged = Damaged(report.Damaged),
                });
            }
            else
            {
                PrintDamaged(report.Damaged);
                Console.WriteLine(report.Healthy
                    ? $"ok: {report.ObjectsChecked} objects ({CliContext.Size(report.BytesChecked)}) verified"
                    : $"damaged: {report.Damaged.Count} object(s) missing or corrupt out of {report.ObjectsChecked}; {RepairAdvice}");
                if (report.StaleTempFiles > 0) Console.WriteLine($"note: {report.StaleTempFiles} temp file(s) from interrupted commands; 'keel gc' removes them");
            }
            return report.Healthy ? ExitCodes.Ok : ExitCodes.CheckFailed;
        });
        root.Subcommands.Add(command);
    }

    private static async Task<int> RepairAsync(Workspaces.Workspace ws, string? only, bool json, long total, CancellationToken ct)
    {
        var remotes = ws.Config.Remotes.OrderBy(r => r.Key, StringComparer.Ordinal).ToList();
        if (only is not null)
        {
            if (!ws.Config.Remotes.TryGetValue(only, out var uri))
                throw new KeelException($"no remote named '{only}'; {(remotes.Count == 0 ? "add one with 'keel remote add " + only + " URI'" : "remotes: " + string.Join(", ", remotes.Select(r => r.Key)))}");
            remotes = [new(only, uri)];
        }
        RepairReport report;
        using (var bar = new ProgressBar("checking", total))
        {
            report = await new FsckRepair(ws, remotes).RunAsync(bar, ct).ConfigureAwait(false);
        }
        var asideDir = Path.GetRelativePath(ws.Root, Path.Combine(ws.KeelDir, "objects", "damaged"));
        if (json)
        {
            CliContext.WriteJson(new
            {
                healthy = report.Healthy,
                objects_checked = report.Before.ObjectsChecked,
                found = Damaged(report.Before.Damaged),
                restored = report.Restored.Select(r => new { digest = r.Digest.ToString(), source = r.Source }),
                moved_aside = report.MovedAside.Select(p => Path.GetRelativePath(ws.Root, p)),
                not_restored = Damaged(report.NotRestored),
            });
            return report.Healthy ? ExitCodes.Ok : ExitCodes.CheckFailed;
        }
        if (report.Before.Healthy)
        {
            Console.WriteLine($"ok: {report.Before.ObjectsChecked} objects ({CliContext.Size(report.Before.BytesChecked)}) verified; nothing to repair");
            return ExitCodes.Ok;
        }
        PrintDamaged(report.Before.Damaged);
        foreach (var r in report.Restored) Console.WriteLine($"restored {r.Digest} from {r.Source}");
        foreach (var p in report.MovedAside) Console.WriteLine($"kept the damaged bytes in {Path.GetRelativePath(ws.Root, p)}");
        foreach (var d in report.NotRestored)
        {
            var by = d.ReferencedBy.Count == 0 ? "nothing refers to it" : "used by " + string.Join(", ", d.ReferencedBy);
            Console.WriteLine($"NOT restored {d.Digest} ({(d.Missing ? "missing" : "corrupt")}; {by}): no workspace file re-hashes to it and no remote has an intact copy");
        }
        Console.WriteLine(report.Healthy
            ? $"repaired: {report.Restored.Count} object(s) restored; the store is healthy"
            : $"not repaired: {report.NotRestored.Count} object(s) could not be restored ({report.Restored.Count} restored). Put the original file back at its path and run 'keel add PATH', "
              + "or add a remote that has them ('keel remote add NAME URI') and run 'keel fsck --repair' again");
        if (report.MovedAside.Count > 0) Console.WriteLine($"note: damaged bytes are kept in {asideDir}/ for inspection; delete them when you no longer need them");
        return report.Healthy ? ExitCodes.Ok : ExitCodes.CheckFailed;
    }

    private static void PrintDamaged(IEnumerable<DamagedObject> damaged)
    {
        foreach (var d in damaged)
        {
            var by = d.ReferencedBy.Count == 0 ? "nothing refers to it" : "used by " + string.Join(", ", d.ReferencedBy);
            Console.WriteLine($"{d.Digest} {d.Problem}; {by}");
        }
    }

    private static IEnumerable<object> Damaged(IEnumerable<DamagedObject> damaged) =>
        damaged.Select(d => new { digest = d.Digest.ToString(), problem = d.Problem, referenced_by = d.ReferencedBy });
}
