namespace Keel.Tracking;

/// <summary>A row of <c>keel metrics diff</c>: a metric on both sides, or on one.</summary>
/// <param name="Change">New minus old, when both are numbers.</param>
public sealed record MetricsDiffRow(string? Path, string Key, MetricsRow? Old, MetricsRow? New, double? Change)
{
    /// <summary>Whether the two sides differ (NaN equals NaN; a metric on one side only differs).</summary>
    public bool Differs => Old is null || New is null
        || (Old.Number is { } a && New.Number is { } b ? !(a.Equals(b)) : Old.Text != New.Text);

    /// <summary>Matches two snapshots by file and key; by key alone when either side is a run (its metrics have no file).</summary>
    public static IReadOnlyList<MetricsDiffRow> Compare(MetricsSnapshot old, MetricsSnapshot @new)
    {
        ArgumentNullException.ThrowIfNull(old);
        ArgumentNullException.ThrowIfNull(@new);
        var byKeyOnly = old.Rows.Any(r => r.Path is null) || @new.Rows.Any(r => r.Path is null);
        (string, string) Id(MetricsRow r) => (byKeyOnly ? "" : r.Path ?? "", r.Key);
        var a = new Dictionary<(string, string), MetricsRow>();
        foreach (var r in old.Rows) a[Id(r)] = r;
        var b = new Dictionary<(string, string), MetricsRow>();
        foreach (var r in @new.Rows) b[Id(r)] = r;
        var rows = new List<MetricsDiffRow>();
        foreach (var id in a.Keys.Concat(b.Keys).Distinct().Order())
        {
            var o = a.GetValueOrDefault(id);
            var n = b.GetValueOrDefault(id);
            var path = byKeyOnly ? (n?.Path ?? o?.Path) : id.Item1;
            double? change = o?.Number is { } x && n?.Number is { } y ? y - x : null;
            rows.Add(new MetricsDiffRow(path, id.Item2, o, n, change));
        }
        return rows;
    }
}
