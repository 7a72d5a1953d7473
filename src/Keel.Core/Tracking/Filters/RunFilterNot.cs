namespace Keel.Tracking.Filters;

/// <summary>The inner filter does not hold.</summary>
public sealed record RunFilterNot(RunFilter Inner) : RunFilter;
