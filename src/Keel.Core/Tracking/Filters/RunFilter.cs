namespace Keel.Tracking.Filters;

/// <summary>A parsed filter expression over runs; backends compile it (SQLite to SQL over the latest-metrics table).</summary>
public abstract record RunFilter;
