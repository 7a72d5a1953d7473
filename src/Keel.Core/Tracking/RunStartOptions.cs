namespace Keel.Tracking;

/// <summary>What opening a run needs besides the workspace.</summary>
/// <param name="CodeDirectory">Where git state is captured from (usually the current directory).</param>
/// <param name="DepsJson">The program's deps.json for the package list, when known.</param>
internal sealed record RunStartOptions(
    string Name,
    string? Experiment,
    string Kind,
    string? Command,
    string CodeDirectory,
    long? Seed,
    string? DepsJson,
    int Pid);
