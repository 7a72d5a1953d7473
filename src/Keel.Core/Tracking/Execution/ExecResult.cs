namespace Keel.Tracking.Execution;

/// <summary>What a tracked command did: the finished run and the exit code keel exec returns.</summary>
internal sealed record ExecResult(Run Run, int ExitCode, IReadOnlyList<string> Warnings);
