namespace Keel.Tracking.Execution;

/// <summary>What <c>keel exec</c> was asked to run.</summary>
/// <param name="Outputs">Declared outputs: path and kind.</param>
internal sealed record ExecRequest(
    IReadOnlyList<string> Command,
    string? Name,
    string? Experiment,
    IReadOnlyList<(string Path, string Kind)> Outputs,
    long? Seed,
    string WorkingDirectory);
