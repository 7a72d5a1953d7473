namespace Keel.Pipelines;

/// <summary>What an executor is asked to run: a command in a folder, with an environment and resources.</summary>
public sealed record StageJob(
    string Stage,
    string Command,
    string WorkingDirectory,
    IReadOnlyDictionary<string, string> Environment,
    StageResources Resources,
    string StdoutPath,
    string StderrPath,
    Action<string, bool>? OnLine)
{
    /// <summary>The stage's inputs (deps and params files) as stored objects, for executors whose workers have no shared filesystem.</summary>
    public IReadOnlyList<StageInput> Inputs { get; init; } = [];

    /// <summary>The stage's declared outputs, workspace-relative; the executor must leave them in <see cref="WorkingDirectory"/>.</summary>
    public IReadOnlyList<string> Outputs { get; init; } = [];

    /// <summary>Where a local executor records the stage's running process group, so a later command can end it if keel dies (null: not recorded).</summary>
    public string? ProcessRecords { get; init; }
}

/// <summary>An input a remote worker must materialise at <paramref name="Path"/> (workspace-relative) before the command runs.</summary>
public sealed record StageInput(string Path, Objects.Digest Digest, Metadata.TreeKind Kind);

/// <summary>How it ended: exit code, whether it was killed, and what it used.</summary>
public sealed record StageOutcome(int ExitCode, bool Killed, TimeSpan Wall, double CpuSeconds, long PeakMemoryBytes, string? Error)
{
    public bool Succeeded => ExitCode == 0 && !Killed && Error is null;
}

/// <summary>
/// Runs stage commands. The local executor runs processes on this machine; a cluster executor
/// (Slurm) submits jobs that fetch inputs from and push outputs to the object store.
/// </summary>
public interface IStageExecutor
{
    /// <summary>A short name for logs and records: "local", "slurm".</summary>
    string Name { get; }

    /// <summary>Runs the job to completion; cancellation kills it and reports Killed.</summary>
    Task<StageOutcome> ExecuteAsync(StageJob job, CancellationToken cancellationToken);
}
