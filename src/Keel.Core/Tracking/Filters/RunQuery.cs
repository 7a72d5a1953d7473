namespace Keel.Tracking.Filters;

/// <summary>What <c>keel runs list</c> asks a store for.</summary>
public sealed record RunQuery(string? Experiment, RunFilter? Filter, RunSort Sort, int Limit);
