using Keel.Datasets;
using Keel.Metadata;
using Keel.Pipelines;
using Keel.Tracking;
using Keel.Workspaces;

namespace Keel.Monitoring.Actions;

/// <summary>
/// Carries out a keel.yaml monitor policy after a sustained alert: every action is a run of kind <c>monitor</c>.
/// On drift: copy the monitored production files into the policy's path, add them as a new dataset version
/// (the run uses it, so lineage leads back to it), run the pipeline, and ask the deploy gate. On performance
/// below the floor: ask the registry to roll back.
/// </summary>
public sealed class MonitorActionRunner(Workspace workspace, IDeployGate gate, IModelRollback rollback, IProgress<string> log)
{
    /// <summary>Runs the actions the policy and the result call for; returns one line per action.</summary>
    public async Task<IReadOnlyList<string>> RunAsync(MonitorPolicy policy, string model, MonitorResult result, IReadOnlyList<string> productionFiles, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(result);
        var lines = new List<string>();
        bool drift = result.Windows.Any(w => w.Features.Any(f => f.Drifted) || w.Prediction is { Drifted: true });
        bool belowFloor = result.Windows.Any(w => w.Reasons.Any(r => r.Contains("below the floor", StringComparison.Ordinal) && !r.StartsWith("estimated", StringComparison.Ordinal)));
        if (result.Alerted && drift && policy.OnDrift is { } retrain)
        {
            lines.Add(await RetrainAsync(retrain, model, result, productionFiles, cancellationToken).ConfigureAwait(false));
        }

        if (result.Alerted && belowFloor && policy.RollbackOnPerformance)
        {
            lines.Add(await InRunAsync($"monitor:{model}:rollback", result, async run =>
            {
                GateOutcome outcome = await rollback.RollbackAsync(model, cancellationToken).ConfigureAwait(false);
                await Tag(run, "rollback", outcome.Passed ? "done" : "unavailable", cancellationToken).ConfigureAwait(false);
                return outcome.Message;
            }, cancellationToken).ConfigureAwait(false));
        }

        return lines;
    }

    private async Task<string> RetrainAsync(RetrainAction action, string model, MonitorResult result, IReadOnlyList<string> files, CancellationToken ct) =>
        await InRunAsync($"monitor:{model}:retrain", result, async run =>
        {
            string target = Path.Combine(workspace.Root, action.Path);
            Directory.CreateDirectory(target);
            foreach (string file in files)
            {
                File.Copy(file, Path.Combine(target, Path.GetFileName(file)), overwrite: true);
            }

            log.Report($"snapshot: {files.Count} production file(s) into {action.Path}");
            AddResult added = await new DatasetAdder(workspace).AddAsync(target, workspace.Root, action.Dataset,
                $"production windows monitored for {model} ({result.Source})", ct).ConfigureAwait(false);
            await workspace.Metadata.Runs.LogAsync(run, RunBatch.Empty with
            {
                Inputs = [new RunInput(added.Version.Ref, added.Version.Digest, added.Version.Kind != TreeKind.File, "production")],
                Tags = [new("monitor.dataset", added.Version.Ref)],
            }, ct).ConfigureAwait(false);
            log.Report($"dataset {added.Version.Ref}{(added.Unchanged ? " (unchanged)" : "")}; running the pipeline");
            var runner = new PipelineRunner(workspace, new LocalExecutor(workspace.Time), log);
            IReadOnlyList<StageReport> stages = await runner.RunAsync(new RunOptions(action.Stages, false, false, 1), ct).ConfigureAwait(false);
            if (stages.Any(s => s.State is not (StageState.Ran or StageState.Skipped or StageState.Restored)))
            {
                throw new KeelException($"the retraining pipeline failed ({string.Join(", ", stages.Where(s => s.State == StageState.Failed).Select(s => s.Stage))}); production is unchanged", ExitCodes.CheckFailed);
            }

            GateOutcome gated = await gate.EvaluateAsync(model, ct).ConfigureAwait(false);
            await Tag(run, "gate", gated.Passed ? "passed" : "not_promoted", ct).ConfigureAwait(false);
            return $"retrained on {added.Version.Ref} ({stages.Count} stage(s)); gate: {gated.Message}";
        }, ct).ConfigureAwait(false);

    private async Task<string> InRunAsync(string name, MonitorResult result, Func<RunId, Task<string>> body, CancellationToken ct)
    {
        Run run = await RunStarter.StartAsync(workspace, new RunStartOptions(name, "monitor", "monitor", $"keel monitor {result.Model}",
            workspace.Root, null, null, Environment.ProcessId), ct).ConfigureAwait(false);
        try
        {
            await workspace.Metadata.Runs.LogAsync(run.Id, RunBatch.Empty with
            {
                Params = [new("monitor.source", result.Source), new("monitor.window", result.Window)],
                Metrics = [new MetricPoint("monitor.alert_windows", result.States.Count(s => s == Severity.Alert), 0, workspace.Time.GetUtcNow())],
            }, ct).ConfigureAwait(false);
            string message = await body(run.Id).ConfigureAwait(false);
            await workspace.Metadata.Runs.FinishAsync(run.Id, new RunCompletion(RunStatus.Finished, workspace.Time.GetUtcNow(), 0, null, message), CancellationToken.None).ConfigureAwait(false);
            return $"run {run.Id}: {message}";
        }
        catch (Exception e)
        {
            await workspace.Metadata.Runs.FinishAsync(run.Id, new RunCompletion(RunStatus.Failed, workspace.Time.GetUtcNow(), 1, null, e.Message), CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private Task Tag(RunId run, string key, string value, CancellationToken ct) =>
        workspace.Metadata.Runs.LogAsync(run, RunBatch.Empty with { Tags = [new($"monitor.{key}", value)] }, ct);
}
