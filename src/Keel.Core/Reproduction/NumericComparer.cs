using System.Globalization;
using System.Text.Json;

namespace Keel.Reproduction;

/// <summary>Compares metrics files (JSON numbers, by dotted key) and prediction files (CSV cells) within tolerances.</summary>
internal static class NumericComparer
{
    public sealed record Outcome(bool Pass, double MaxDifference, string Detail);

    public static Outcome Metrics(string recordedFile, string reproducedFile, Tolerance general, IReadOnlyDictionary<string, double>? perMetricAbs)
    {
        var a = Flatten(recordedFile);
        var b = Flatten(reproducedFile);
        var problems = new List<string>();
        double max = 0;
        foreach (var (key, va) in a)
        {
            if (!b.TryGetValue(key, out var vb))
            {
                problems.Add($"{key} missing");
                continue;
            }
            var tol = perMetricAbs is not null && perMetricAbs.TryGetValue(key, out var t) ? general with { Abs = t } : general;
            var d = Math.Abs(va - vb);
            if (!double.IsNaN(d)) max = Math.Max(max, d);
            if (!tol.Accepts(va, vb)) problems.Add(string.Create(CultureInfo.InvariantCulture, $"{key}: recorded {va:G9}, reproduced {vb:G9} (diff {d:G3} > {tol})"));
        }
        foreach (var key in b.Keys.Where(k => !a.ContainsKey(k))) problems.Add($"{key} is new");
        return new Outcome(problems.Count == 0, max,
            problems.Count == 0 ? string.Create(CultureInfo.InvariantCulture, $"{a.Count} metrics within tolerance (largest diff {max:G3})") : string.Join("; ", problems.Take(8)));
    }

    public static Outcome Csv(string recordedFile, string reproducedFile, Tolerance tol)
    {
        var a = File.ReadAllLines(recordedFile);
        var b = File.ReadAllLines(reproducedFile);
        if (a.Length != b.Length) return new Outcome(false, double.NaN, $"{a.Length - 1} recorded rows, {b.Length - 1} reproduced");
        var header = a.Length > 0 ? a[0].Split(',') : [];
        double max = 0;
        var bad = 0;
        string? worst = null;
        for (var i = 1; i < a.Length; i++)
        {
            var ca = a[i].Split(',');
            var cb = b[i].Split(',');
            for (var j = 0; j < Math.Max(ca.Length, cb.Length); j++)
            {
                var x = j < ca.Length ? ca[j] : "";
                var y = j < cb.Length ? cb[j] : "";
                if (x == y) continue;
                var column = j < header.Length ? header[j] : $"column {j + 1}";
                if (double.TryParse(x, NumberStyles.Float, CultureInfo.InvariantCulture, out var dx) && double.TryParse(y, NumberStyles.Float, CultureInfo.InvariantCulture, out var dy))
                {
                    var d = Math.Abs(dx - dy);
                    if (d > max)
                    {
                        max = d;
                        worst = string.Create(CultureInfo.InvariantCulture, $"row {i}, {column}: {x} vs {y}");
                    }
                    if (tol.Accepts(dx, dy)) continue;
                }
                else worst ??= $"row {i}, {column}: '{x}' vs '{y}'";
                bad++;
            }
        }
        var detail = string.Create(CultureInfo.InvariantCulture, $"{a.Length - 1} rows; largest diff {max:G3}{(worst is null ? "" : $" ({worst})")}; {bad} cells out of tolerance ({tol})");
        return new Outcome(bad == 0, max, detail);
    }

    private static SortedDictionary<string, double> Flatten(string file)
    {
        var result = new SortedDictionary<string, double>(StringComparer.Ordinal);
        using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
        Walk(doc.RootElement, "", result);
        return result;
    }

    private static void Walk(JsonElement e, string prefix, SortedDictionary<string, double> into)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject()) Walk(p.Value, prefix.Length == 0 ? p.Name : $"{prefix}.{p.Name}", into);
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var x in e.EnumerateArray()) Walk(x, $"{prefix}[{i++}]", into);
                break;
            case JsonValueKind.Number:
                into[prefix] = e.GetDouble();
                break;
        }
    }
}
