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
    Action<string, bool>? OnLine);

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
