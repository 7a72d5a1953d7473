namespace Keel.Tracking;

/// <summary>How a run ended.</summary>
public sealed record RunCompletion(RunStatus Status, DateTimeOffset EndedAt, int? ExitCode, RunResources? Resources, string? Reason = null);
