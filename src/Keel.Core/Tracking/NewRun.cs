using Keel.Objects;

namespace Keel.Tracking;

/// <summary>What a store needs to open a run; it starts as running.</summary>
public sealed record NewRun(
    RunId Id,
    string Name,
    string? Experiment,
    string Kind,
    DateTimeOffset StartedAt,
    string User,
    string Host,
    int? Pid,
    long? ProcessStart,
    string? Command,
    long Seed,
    GitState Git,
    Digest? Environment);
