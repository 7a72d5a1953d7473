namespace Keel.Tracking.Filters;

/// <summary>Either side holds.</summary>
public sealed record RunFilterOr(RunFilter Left, RunFilter Right) : RunFilter;
