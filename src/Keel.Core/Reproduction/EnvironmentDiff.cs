using System.Text.Json;
using System.Text.Json.Nodes;

namespace Keel.Reproduction;

/// <summary>One field of the environment that differs between the original run and the reproduction.</summary>
public sealed record EnvironmentDifference(string Field, string? Recorded, string? Now);

/// <summary>Compares two environment descriptions (docs/tracking.md) field by field; instruction sets as sets.</summary>
public static class EnvironmentDiff
{
    private static readonly string[] Ignored = ["memory_bytes", "deps_json"];

    public static List<EnvironmentDifference> Compare(JsonObject recorded, JsonObject now)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        ArgumentNullException.ThrowIfNull(now);
        var result = new List<EnvironmentDifference>();
        foreach (var key in recorded.Select(kv => kv.Key).Union(now.Select(kv => kv.Key)).Order(StringComparer.Ordinal))
        {
            if (Ignored.Contains(key)) continue;
            var a = recorded[key];
            var b = now[key];
            if (a is JsonObject oa || b is JsonObject)
            {
                var ma = (a as JsonObject) ?? [];
                var mb = (b as JsonObject) ?? [];
                foreach (var k in ma.Select(kv => kv.Key).Union(mb.Select(kv => kv.Key)).Order(StringComparer.Ordinal))
                    if (Text(ma[k]) != Text(mb[k])) result.Add(new EnvironmentDifference($"{key}.{k}", Text(ma[k]), Text(mb[k])));
                continue;
            }
            if (a is JsonArray || b is JsonArray)
            {
                var sa = (a as JsonArray)?.Select(Text).ToHashSet() ?? [];
                var sb = (b as JsonArray)?.Select(Text).ToHashSet() ?? [];
                if (sa.SetEquals(sb)) continue;
                var lost = string.Join(" ", sa.Except(sb).Order());
                var gained = string.Join(" ", sb.Except(sa).Order());
                result.Add(new EnvironmentDifference(key, lost.Length == 0 ? null : $"only before: {lost}", gained.Length == 0 ? null : $"only now: {gained}"));
                continue;
            }
            if (Text(a) != Text(b)) result.Add(new EnvironmentDifference(key, Text(a), Text(b)));
        }
        return result;
    }

    private static string? Text(JsonNode? n) => n switch
    {
        null => null,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => n.ToJsonString(new JsonSerializerOptions { WriteIndented = false }),
    };
}
