using Keel.Datasets;
using Keel.Metadata;
using Keel.Objects;
using Keel.Tracking;
using Keel.Tracking.Capture;
using Keel.Workspaces;

namespace Keel.Pipelines;

/// <summary>A finished stage execution: what it read, what it wrote, how it ended.</summary>
internal sealed record StageExecution(
    StageDefinition Stage,
    Recipe Recipe,
    IReadOnlyList<(DepSpec Dep, TreeDigest Digest)> Inputs,
    IReadOnlyList<RunInput> LineageInputs,
    IReadOnlyList<(OutSpec Out, TreeDigest Digest)> Outputs,
    StageOutcome Outcome,
    RunStatus Status,
    string? Reason,
    Digest? Stdout,
    Digest? Stderr,
    string Executor)
{
    /// <summary>What the stage reported through KEEL_METRICS_FILE and its outputs of kind metrics.</summary>
    public IReadOnlyList<MetricPoint> Metrics { get; init; } = [];
}

/// <summary>
/// Makes each stage execution a tracked run: opened (running) before the command starts, so
/// code using the SDK attaches to it through KEEL_RUN_ID; finished with its params, inputs,
/// outputs and logs, which writes its lineage in the same transaction. The code (git commit
/// and diff) and the environment are captured once per <c>keel run</c>.
/// </summary>
internal sealed class StageRecorder(Workspace workspace)
{
    private GitState? _git;
    private Digest? _environment;

    public async Task<RunId> StartAsync(StageDefinition stage, int seed, CancellationToken cancellationToken)
    {
        _git ??= GitCapture.Capture(workspace.Root, workspace.Objects);
        _environment ??= EnvironmentCapture.Store(workspace.Objects, null);
        var id = RunId.New(workspace.Time);
        var pid = Environment.ProcessId;
        await workspace.Metadata.Runs.CreateAsync(
            new NewRun(id, stage.Name, "pipeline", "stage", workspace.Time.GetUtcNow(), Agent.User, Agent.Host,
                pid, ProcessIdentity.StartTime(pid), stage.Command, seed, _git, _environment),
            cancellationToken).ConfigureAwait(false);
        return id;
    }

    public async Task FinishAsync(RunId id, StageExecution e, CancellationToken cancellationToken)
    {
        var prms = new List<KeyValuePair<string, string>>();
        foreach (var (key, value) in e.Recipe.Params)
        {
            // Recipe keys are "file:key"; the run records the key, or the full form if two files share it.
            var bare = key[(key.IndexOf(':', StringComparison.Ordinal) + 1)..];
            var name = e.Recipe.Params.Count(p => p.Key.EndsWith(":" + bare, StringComparison.Ordinal)) > 1 ? key.Replace(':', '/') : bare;
            prms.Add(new(name, value));
        }
        var inputs = e.LineageInputs;
        var outputs = e.Outputs.Select(o => new RunOutput(o.Out.Path, o.Out.Kind, o.Digest.Digest, o.Digest.Kind == TreeKind.Directory, o.Digest.Bytes)).ToList();
        if (e.Stdout is { } so) outputs.Add(new RunOutput($"{e.Stage.Name}.stdout.log", "log", so, false, workspace.Objects.SizeOf(so) ?? 0));
        if (e.Stderr is { } se) outputs.Add(new RunOutput($"{e.Stage.Name}.stderr.log", "log", se, false, workspace.Objects.SizeOf(se) ?? 0));
        var tags = new List<KeyValuePair<string, string>>
        {
            new("keel.stage", e.Stage.Name),
            new("keel.recipe", e.Recipe.Digest.ToString()),
            new("keel.executor", e.Executor),
            new("keel.env_lock", e.Recipe.EnvironmentLock),
        };
        await workspace.Metadata.Runs.LogAsync(id, new RunBatch(prms, e.Metrics, tags, inputs, outputs), cancellationToken).ConfigureAwait(false);
        var resources = new RunResources(e.Outcome.CpuSeconds, e.Outcome.PeakMemoryBytes, e.Outcome.Wall.TotalSeconds);
        await workspace.Metadata.Runs.FinishAsync(id,
            new RunCompletion(e.Status, workspace.Time.GetUtcNow(), e.Outcome.ExitCode, resources, e.Reason),
            cancellationToken).ConfigureAwait(false);
    }
}
