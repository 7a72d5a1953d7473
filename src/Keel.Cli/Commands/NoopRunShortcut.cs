using System.Text;
using Keel.Pipelines;
using Keel.Workspaces;

namespace Keel.Cli.Commands;

/// <summary>
/// A plain <c>keel run</c> with nothing to do, answered before the command line is parsed or any
/// store is opened: when the no-op snapshot of the last successful run still matches the
/// workspace (see <see cref="NoopSnapshot"/>), every stage would be skipped, so it prints the
/// same summary the full path would and exits 0. Anything else, including any doubt or error,
/// falls through to the full command.
/// </summary>
internal static class NoopRunShortcut
{
    public static int? TryRun(string[] args)
    {
        if (args is not ["run"]) return null;
        IReadOnlyList<string>? stages;
        FileStream? runLock = null;
        try
        {
            if (FindRoot(Directory.GetCurrentDirectory()) is not { } root) return null;
            // The same lock as the full path: while another run holds it, the full path reports that.
            runLock = new FileStream(Path.Combine(root, Workspace.DirName, "run.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            stages = NoopSnapshot.UpToDateStages(root);
        }
        catch (Exception e)
        {
            // A shortcut that fails is no shortcut: the full path decides, and reports any error.
            Diagnostics.Trace($"noop: {e.GetType().Name}: {e.Message}");
            stages = null;
        }
        using (runLock)
        {
            Diagnostics.Trace(stages is null ? "noop: full path" : "noop: up to date");
            if (stages is null) return null;
            var text = new StringBuilder(stages.Count * 56);
            foreach (var s in stages) text.Append(RunSummary.Line(s, StageState.Skipped, TimeSpan.Zero, "unchanged")).Append('\n');
            using var stdout = Console.OpenStandardOutput();
            stdout.Write(Encoding.UTF8.GetBytes(text.ToString()));
            return ExitCodes.Ok;
        }
    }

    private static string? FindRoot(string start)
    {
        for (var dir = start; !string.IsNullOrEmpty(dir); dir = Path.GetDirectoryName(dir))
        {
            if (Directory.Exists(Path.Combine(dir, Workspace.DirName))) return dir;
        }
        return null;
    }
}
