using System.CommandLine;
using Keel.Objects;

namespace Keel.Cli.Commands;

/// <summary><c>keel fsck [--json]</c>: exit 1 when any object is missing or corrupt.</summary>
internal static class FsckCommand
{
    public static void AddTo(RootCommand root)
    {
        var json = CliContext.JsonOption();
        var command = new Command("fsck", "re-hash every object; report missing and corrupt ones and what uses them") { json };
        command.SetAction(async (parse, ct) =>
        {
            using var ws = CliContext.OpenWorkspace();
            FsckReport report;
            using (var bar = new ProgressBar("checking", ws.Objects.List().Sum(d => ws.Objects.SizeOf(d) ?? 0)))
            {
                report = await new Fsck(ws).RunAsync(bar, ct).ConfigureAwait(false);
            }
            if (parse.GetValue(json))
            {
                CliContext.WriteJson(new
                {
                    healthy = report.Healthy, objects_checked = report.ObjectsChecked, bytes_checked = report.BytesChecked,
                    stale_temp_files = report.StaleTempFiles,
                    damaged = report.Damaged.Select(d => new { digest = d.Digest.ToString(), problem = d.Problem, referenced_by = d.ReferencedBy }),
                });
            }
            else
            {
                foreach (var d in report.Damaged)
                {
                    var by = d.ReferencedBy.Count == 0 ? "nothing refers to it" : "used by " + string.Join(", ", d.ReferencedBy);
                    Console.WriteLine($"{d.Digest} {d.Problem}; {by}");
                }
                Console.WriteLine(report.Healthy
                    ? $"ok: {report.ObjectsChecked} objects ({CliContext.Size(report.BytesChecked)}) verified"
                    : $"damaged: {report.Damaged.Count} object(s) missing or corrupt out of {report.ObjectsChecked}; restore them (keel remote pull, or keel add the original files again)");
                if (report.StaleTempFiles > 0) Console.WriteLine($"note: {report.StaleTempFiles} temp file(s) from interrupted commands; 'keel gc' removes them");
            }
            return report.Healthy ? ExitCodes.Ok : ExitCodes.CheckFailed;
        });
        root.Subcommands.Add(command);
    }
}
