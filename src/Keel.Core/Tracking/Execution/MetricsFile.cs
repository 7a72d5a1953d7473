using System.Globalization;
using System.Text.Json;

namespace Keel.Tracking.Execution;

/// <summary>
/// The metrics a command reports without the SDK, in the file named by KEEL_METRICS_FILE:
/// either one JSON object of <c>"key": number</c> pairs (logged at step 0), or JSON lines,
/// each <c>{"key": "loss", "value": 0.3, "step": 2}</c> or an object of pairs with an optional
/// <c>"step"</c>. Values may be numbers or the strings "NaN", "Infinity", "-Infinity".
/// </summary>
public static class MetricsFile
{
    public static IReadOnlyList<MetricPoint> Parse(string text, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(text);
        var points = new List<MetricPoint>();
        var trimmed = text.Trim();
        if (trimmed.Length == 0) return points;
        IEnumerable<(string Text, int Line)> documents;
        try
        {
            using var whole = JsonDocument.Parse(trimmed);
            documents = [(trimmed, 1)];
        }
        catch (JsonException)
        {
            documents = text.Split('\n').Select((l, i) => (l.Trim(), i + 1)).Where(l => l.Item1.Length > 0).ToList();
        }
        foreach (var (doc, line) in documents)
        {
            try
            {
                using var json = JsonDocument.Parse(doc);
                var root = json.RootElement;
                if (root.ValueKind != JsonValueKind.Object) throw new KeelException($"metrics file line {line}: expected a JSON object");
                if (root.TryGetProperty("key", out var key) && root.TryGetProperty("value", out var value))
                {
                    var step = root.TryGetProperty("step", out var s) ? s.GetInt64() : 0;
                    points.Add(new MetricPoint(key.GetString()!, Number(value, line), step, at));
                    continue;
                }
                var pairStep = root.TryGetProperty("step", out var ps) ? ps.GetInt64() : 0;
                foreach (var p in root.EnumerateObject())
                {
                    if (p.Name == "step") continue;
                    points.Add(new MetricPoint(p.Name, Number(p.Value, line), pairStep, at));
                }
            }
            catch (JsonException e)
            {
                throw new KeelException($"metrics file line {line}: not JSON ({e.Message})");
            }
        }
        foreach (var p in points) TrackingKeys.Validate("metric", p.Key);
        return points;
    }

    private static double Number(JsonElement e, int line) => e.ValueKind switch
    {
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.String when double.TryParse(e.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
        _ => throw new KeelException($"metrics file line {line}: '{e}' is not a number"),
    };
}
