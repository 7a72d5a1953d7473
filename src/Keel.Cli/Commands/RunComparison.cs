using Keel.Tracking;

namespace Keel.Cli.Commands;

/// <summary>Builds the side-by-side rows: attributes, code, environment, params, latest metrics.</summary>
internal static class RunComparison
{
    public static List<ComparisonRow> Rows(IReadOnlyList<RunDetail> runs)
    {
        var rows = new List<ComparisonRow>
        {
            Row("name", runs, d => d.Run.Name),
            Row("status", runs, d => RunStatusNames.Name(d.Run.Status)),
            Row("command", runs, d => d.Run.Command),
            Row("seed", runs, d => d.Run.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            Row("code.commit", runs, d => d.Run.Git.Commit?[..Math.Min(12, d.Run.Git.Commit.Length)]),
            Row("code.dirty", runs, d => d.Run.Git.Dirty ? "yes" : "no"),
            Row("code.diff", runs, d => d.Run.Git.Diff?.Short),
            Row("environment", runs, d => d.Run.Environment?.Short),
        };
        foreach (var key in runs.SelectMany(d => d.Params.Keys).Distinct().Order(StringComparer.Ordinal))
            rows.Add(Row("params." + key, runs, d => d.Params.GetValueOrDefault(key)));
        foreach (var key in runs.SelectMany(d => d.LatestMetrics.Keys).Distinct().Order(StringComparer.Ordinal))
            rows.Add(Row("metrics." + key, runs, d => d.LatestMetrics.TryGetValue(key, out var m) ? TrackingJson.Number(m.Value) : null));
        foreach (var key in runs.SelectMany(d => d.Tags.Keys).Distinct().Order(StringComparer.Ordinal))
            rows.Add(Row("tags." + key, runs, d => d.Tags.GetValueOrDefault(key)));
        return rows;
    }

    private static ComparisonRow Row(string field, IReadOnlyList<RunDetail> runs, Func<RunDetail, string?> value) =>
        new(field, runs.Select(value).ToList());
}
