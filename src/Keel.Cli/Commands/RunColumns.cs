using Keel.Metadata;
using Keel.Tracking;
using Keel.Tracking.Filters;

namespace Keel.Cli.Commands;

/// <summary>The metric, param and tag columns <c>keel runs list --columns</c> adds, as MLflow's runs table shows them.</summary>
internal static class RunColumns
{
    public static IReadOnlyList<RunField> Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return [];
        var fields = new List<RunField>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var field = RunField.TryParse(part);
            if (field is null || field.Scope == FieldScope.Attribute)
                throw new KeelException($"--columns: '{part}' is not metrics.KEY, params.KEY or tags.KEY; write e.g. --columns metrics.auc,params.train.trees");
            fields.Add(field);
        }
        return fields;
    }

    /// <summary>Each run's value per column (null where the run has none), keyed by run id then column.</summary>
    public static async Task<Dictionary<string, Dictionary<string, object?>>> ValuesAsync(IRunStore store, IReadOnlyList<Run> runs, IReadOnlyList<RunField> fields, CancellationToken ct)
    {
        var values = new Dictionary<string, Dictionary<string, object?>>(StringComparer.Ordinal);
        if (fields.Count == 0) return values;
        foreach (var r in runs)
        {
            var d = (await store.GetDetailAsync(r.Id, ct).ConfigureAwait(false))!;
            var row = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (var f in fields)
            {
                row[f.ToString()] = f.Scope switch
                {
                    FieldScope.Metric => d.LatestMetrics.TryGetValue(f.Name, out var m) ? m.Value : null,
                    FieldScope.Param => d.Params.GetValueOrDefault(f.Name),
                    _ => d.Tags.GetValueOrDefault(f.Name),
                };
            }
            values[r.Id.ToString()] = row;
        }
        return values;
    }

    public static void Print(IReadOnlyList<Run> runs, IReadOnlyList<RunField> fields, Dictionary<string, Dictionary<string, object?>> values)
    {
        var names = fields.Select(f => f.ToString()).ToList();
        var cells = runs.Select(r => names.Select(n => Text(values.GetValueOrDefault(r.Id.ToString())?.GetValueOrDefault(n))).ToList()).ToList();
        var widths = names.Select((n, i) => cells.Select(c => c[i].Length).Append(n.Length).Max()).ToList();
        if (names.Count > 0)
        {
            var head = $"{"run",-12}  {"status",-8} {"started",-19}  {"wall",7}  {"experiment",-12} {"name",-16}";
            Console.WriteLine((head + "  " + string.Join("  ", names.Select((n, i) => n.PadRight(widths[i])))).TrimEnd());
        }
        for (var i = 0; i < runs.Count; i++)
        {
            var r = runs[i];
            var line = $"{r.Id.Short}  {RunStatusNames.Name(r.Status),-8} {r.StartedAt:yyyy-MM-dd HH:mm:ss}  {TrackingJson.Duration(r),7}  {r.Experiment ?? "-",-12} {r.Name}";
            if (names.Count > 0) line = $"{line,-82}  " + string.Join("  ", cells[i].Select((c, j) => c.PadRight(widths[j])));
            Console.WriteLine(line.TrimEnd());
        }
    }

    private static string Text(object? value) => value switch
    {
        null => "-",
        double d => TrackingJson.Number(d),
        _ => value.ToString() ?? "-",
    };
}
