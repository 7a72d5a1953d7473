namespace Keel.Tracking;

/// <summary>
/// The metrics of one side of <c>keel metrics show</c> or <c>diff</c>: the workspace's metrics
/// files, the files a git commit's keel.lock pins, or a run's recorded metrics.
/// </summary>
/// <param name="Label">What the user sees: <c>workspace</c>, a short commit, <c>run:ID</c>.</param>
/// <param name="Notes">What could not be read, one line each (a file missing from the store, a malformed file).</param>
public sealed record MetricsSnapshot(string Label, string Kind, IReadOnlyList<MetricsRow> Rows, IReadOnlyList<string> Notes);
