using Keel.Models.Deployments;
using Keel.Monitoring;
using Keel.Monitoring.Actions;
using Keel.Pipelines;
using Keel.Workspaces;

namespace Keel.Cli.Monitoring;

/// <summary>
/// Runs the keel.yaml policy's actions after a sustained alert, with the real registry: the retrained model goes
/// through <c>keel deploy</c>'s gate, a rollback is <c>keel rollback</c>. A failed action is reported and never hides
/// the alert; production is then as it was.
/// </summary>
internal static class MonitorActions
{
    public static async Task<IReadOnlyList<string>> RunAsync(MonitorPolicy policy, string? workspaceRoot, string model, string alias, MonitorResult result,
        IProductionSnapshot snapshot, bool quiet, CancellationToken ct)
    {
        if (workspaceRoot is null)
        {
            Console.Error.WriteLine("keel: the monitor policy declares actions but there is no workspace here (keel init); actions skipped");
            return [];
        }
        using var ws = Workspace.Open(workspaceRoot, CliContext.Time);
        var log = new Progress<string>(line => { if (!quiet) Console.WriteLine($"   {line}"); });
        try
        {
            var registry = new RegistryActions(ws, alias, RegisterFrom(policy, workspaceRoot), workspaceRoot);
            var lines = await new MonitorActionRunner(ws, registry, registry, log).RunAsync(policy, model, result, snapshot, ct).ConfigureAwait(false);
            foreach (string line in lines) (quiet ? Console.Error : Console.Out).WriteLine($"action: {line}");
            return lines;
        }
        catch (KeelException e)
        {
            Console.Error.WriteLine($"keel: monitor action failed: {e.Message}");
            return [];
        }
    }

    // on_drift.register, else the one stage of the retraining run that writes a model output.
    private static string RegisterFrom(MonitorPolicy policy, string root)
    {
        if (policy.OnDrift is not { } retrain) return "";
        if (retrain.Register is { } stage) return stage;
        var pipeline = PipelineParser.ParseFile(Path.Combine(root, "keel.yaml"), "keel.yaml");
        var writers = pipeline.Stages.Where(s => (retrain.Stages.Count == 0 || retrain.Stages.Contains(s.Name)) && s.Outs.Any(o => o.Kind == "model")).ToList();
        return writers.Count == 1 ? writers[0].Name
            : throw new KeelException(writers.Count == 0
                ? "monitor.on_drift runs no stage with a 'kind: model' output, so there is no retrained model to gate; add 'register: STAGE'"
                : $"monitor.on_drift runs several stages with model outputs ({string.Join(", ", writers.Select(w => w.Name))}); say which with 'register: STAGE'");
    }
}
