using Keel.Monitoring;
using Keel.Monitoring.Actions;
using Keel.Workspaces;

namespace Keel.Cli.Monitoring;

/// <summary>Runs the keel.yaml policy's actions after a sustained alert; a failed action is reported, never hides the alert.</summary>
internal static class MonitorActions
{
    public static async Task RunAsync(MonitorPolicy policy, string? workspaceRoot, string model, MonitorResult result, IReadOnlyList<string> files, bool quiet, CancellationToken ct)
    {
        if (workspaceRoot is null)
        {
            Console.Error.WriteLine("keel: the monitor policy declares actions but there is no workspace here (keel init); actions skipped");
            return;
        }
        using var ws = Workspace.Open(workspaceRoot, CliContext.Time);
        var registry = new UnavailableRegistry(); // The serving branch supplies the real gate and rollback at merge.
        var log = new Progress<string>(line => { if (!quiet) Console.WriteLine($"   {line}"); });
        try
        {
            foreach (string line in await new MonitorActionRunner(ws, registry, registry, log).RunAsync(policy, model, result, files, ct).ConfigureAwait(false))
                (quiet ? Console.Error : Console.Out).WriteLine($"action: {line}");
        }
        catch (KeelException e)
        {
            Console.Error.WriteLine($"keel: monitor action failed: {e.Message}");
        }
    }
}
