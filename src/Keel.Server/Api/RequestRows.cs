using System.Text.Json;

namespace Keel.Server.Api;

/// <summary>
/// The row shapes a predict body may take: a JSON object (one row), an array of objects,
/// <c>{"rows": [...]}</c>, and MLflow's <c>dataframe_records</c>, <c>dataframe_split</c>,
/// <c>instances</c> and <c>inputs</c> (records or columns). A body of more than the row limit is
/// counted, not read: <c>tooMany</c> is set before any row is made.
/// </summary>
internal static class RequestRows
{
    public static List<Dictionary<string, JsonElement>> Read(JsonElement root, int maxRows, out string? error, out int tooMany)
    {
        error = null;
        tooMany = Count(root) is var n && n > maxRows ? n : 0;
        if (tooMany > 0) return [];
        if (root.ValueKind == JsonValueKind.Array) return Records(root, "body", ref error);
        if (root.ValueKind != JsonValueKind.Object) { error = "the body must be a JSON object or an array of objects"; return []; }
        foreach (var key in new[] { "rows", "dataframe_records", "instances" })
            if (root.TryGetProperty(key, out var records)) return Records(records, key, ref error);
        if (root.TryGetProperty("dataframe_split", out var split)) return Split(split, ref error);
        if (root.TryGetProperty("inputs", out var inputs))
            return inputs.ValueKind == JsonValueKind.Object ? Columns(inputs, ref error) : Records(inputs, "inputs", ref error);
        return [Row(root)];
    }

    /// <summary>The rows the body holds, read from the document's array lengths alone (1 for anything that is not a batch).</summary>
    private static int Count(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Array) return root.GetArrayLength();
        if (root.ValueKind != JsonValueKind.Object) return 1;
        foreach (var key in new[] { "rows", "dataframe_records", "instances" })
            if (root.TryGetProperty(key, out var records)) return records.ValueKind == JsonValueKind.Array ? records.GetArrayLength() : 1;
        if (root.TryGetProperty("dataframe_split", out var split))
            return split.ValueKind == JsonValueKind.Object && split.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Array ? data.GetArrayLength() : 1;
        if (root.TryGetProperty("inputs", out var inputs))
        {
            if (inputs.ValueKind == JsonValueKind.Array) return inputs.GetArrayLength();
            if (inputs.ValueKind == JsonValueKind.Object)
                return inputs.EnumerateObject().Select(c => c.Value.ValueKind == JsonValueKind.Array ? c.Value.GetArrayLength() : 1).DefaultIfEmpty(1).Max();
        }
        return 1;
    }

    private static List<Dictionary<string, JsonElement>> Records(JsonElement array, string where, ref string? error)
    {
        if (array.ValueKind != JsonValueKind.Array) { error = $"'{where}' must be an array of objects"; return []; }
        var list = new List<Dictionary<string, JsonElement>>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object) { error = $"'{where}[{list.Count}]' must be an object of field values"; return []; }
            list.Add(Row(item));
        }
        return list;
    }

    private static List<Dictionary<string, JsonElement>> Split(JsonElement split, ref string? error)
    {
        if (split.ValueKind != JsonValueKind.Object || !split.TryGetProperty("columns", out var cols) || cols.ValueKind != JsonValueKind.Array
            || !split.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            error = "'dataframe_split' must be {\"columns\": [...], \"data\": [[...], ...]}";
            return [];
        }
        var names = cols.EnumerateArray().Select(c => c.GetString() ?? "").ToArray();
        var list = new List<Dictionary<string, JsonElement>>();
        foreach (var row in data.EnumerateArray())
        {
            if (row.ValueKind != JsonValueKind.Array || row.GetArrayLength() != names.Length)
            {
                error = $"'dataframe_split.data[{list.Count}]' must be an array of {names.Length} values, one per column";
                return [];
            }
            var d = new Dictionary<string, JsonElement>(names.Length, StringComparer.Ordinal);
            var i = 0;
            foreach (var v in row.EnumerateArray()) d[names[i++]] = v;
            list.Add(d);
        }
        return list;
    }

    private static List<Dictionary<string, JsonElement>> Columns(JsonElement inputs, ref string? error)
    {
        var columns = inputs.EnumerateObject().ToList();
        if (columns.Any(c => c.Value.ValueKind != JsonValueKind.Array)) { error = "'inputs' as an object must map each field to an array of values"; return []; }
        var n = columns.Count == 0 ? 0 : columns[0].Value.GetArrayLength();
        if (columns.Any(c => c.Value.GetArrayLength() != n)) { error = "every column of 'inputs' must have the same length"; return []; }
        var list = new List<Dictionary<string, JsonElement>>(n);
        for (var r = 0; r < n; r++) list.Add(columns.ToDictionary(c => c.Name, c => c.Value[r], StringComparer.Ordinal));
        return list;
    }

    private static Dictionary<string, JsonElement> Row(JsonElement obj)
    {
        var d = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var p in obj.EnumerateObject()) d[p.Name] = p.Value;
        return d;
    }
}
