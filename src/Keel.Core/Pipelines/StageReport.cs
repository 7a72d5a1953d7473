namespace Keel.Pipelines;

/// <summary>What happened to a stage in one <c>keel run</c>.</summary>
public enum StageState
{
    /// <summary>Executed and succeeded.</summary>
    Ran,

    /// <summary>Recipe unchanged and outputs intact: nothing to do.</summary>
    Skipped,

    /// <summary>Recipe seen before: outputs restored from the run cache without running.</summary>
    Restored,

    /// <summary>Executed and failed (or its checks failed); old outputs kept.</summary>
    Failed,

    /// <summary>Stopped by Ctrl-C; old outputs kept.</summary>
    Killed,

    /// <summary>Not run because an upstream stage failed or was killed.</summary>
    NotRun,

    /// <summary>--dry-run: would execute.</summary>
    WouldRun,
}

/// <summary>One stage's result, with where its log is and any warnings.</summary>
public sealed record StageReport(
    string Stage,
    StageState State,
    TimeSpan Duration,
    string? RunId,
    string? Recipe,
    string? LogPath,
    string? Message,
    IReadOnlyList<string> Warnings)
{
    /// <summary>For a command that exited non-zero: the last lines of its stderr.</summary>
    public IReadOnlyList<string> StderrTail { get; init; } = [];
}

/// <summary>Options for <c>keel run</c>.</summary>
public sealed record RunOptions(IReadOnlyList<string> Targets, bool Force, bool DryRun, int Jobs);
