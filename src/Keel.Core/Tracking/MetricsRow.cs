namespace Keel.Tracking;

/// <summary>One metric of a snapshot: the file it came from (null for a run's recorded metrics), its key and value.</summary>
/// <param name="Number">The numeric value; null when the file holds text or a boolean there.</param>
public sealed record MetricsRow(string? Path, string Key, double? Number, string Text);
