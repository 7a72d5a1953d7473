using Keel.Objects;

namespace Keel.Tracking;

/// <summary>One execution: its identity, status, where and by whom, and what was captured at start.</summary>
/// <param name="Kind">exec (keel exec), sdk (a program using the SDK alone), stage, ...</param>
/// <param name="ProcessStart">The owner process's start time as the OS records it (Linux: clock ticks since boot), to tell a reused pid apart.</param>
/// <param name="EndReason">Why it ended when not cleanly: exit code, signal, the reaper's finding.</param>
/// <param name="Environment">The canonical JSON environment object.</param>
public sealed record Run(
    RunId Id,
    string Name,
    string? Experiment,
    string Kind,
    RunStatus Status,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    DateTimeOffset Heartbeat,
    string User,
    string Host,
    int? Pid,
    long? ProcessStart,
    string? Command,
    int? ExitCode,
    long Seed,
    GitState Git,
    Digest? Environment,
    RunResources? Resources,
    string? EndReason = null)
{
    public bool IsRunning => Status == RunStatus.Running;
}
