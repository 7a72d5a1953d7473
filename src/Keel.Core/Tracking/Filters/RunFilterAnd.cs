namespace Keel.Tracking.Filters;

/// <summary>Both sides hold.</summary>
public sealed record RunFilterAnd(RunFilter Left, RunFilter Right) : RunFilter;
