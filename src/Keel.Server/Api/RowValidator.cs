using System.Text.Json;
using Keel.Registry;
using Keel.Server.Hosting;

namespace Keel.Server.Api;

/// <summary>Checks rows against a version's signature and converts them to model inputs; every problem is named by its field.</summary>
internal static class RowValidator
{
    public static (List<object?[]> Rows, Dictionary<string, string[]> Errors, List<string>? Flags) Validate(
        ServedModel model, List<Dictionary<string, JsonElement>> rows, bool rejectUnseen)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        List<string>? flags = null;
        var result = new List<object?[]>(rows.Count);
        var fields = model.Fields;
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r];
            var values = new object?[fields.Count];
            var prefix = rows.Count == 1 ? "" : $"rows[{r}].";
            foreach (var name in row.Keys)
                if (!model.FieldIndex.ContainsKey(name)) errors[prefix + name] = [$"unknown field; {model.Version.Ref} takes {string.Join(", ", fields.Select(f => f.Name))}"];
            for (var i = 0; i < fields.Count; i++)
            {
                var f = fields[i];
                if (!row.TryGetValue(f.Name, out var v)) { errors[prefix + f.Name] = ["required field is missing"]; continue; }
                switch (f.Type)
                {
                    case FieldType.Number:
                        if (v.ValueKind == JsonValueKind.Number) values[i] = v.GetDouble();
                        else if (v.ValueKind == JsonValueKind.Null || (v.ValueKind == JsonValueKind.String && v.GetString() is "NaN" or "")) values[i] = double.NaN;
                        else { errors[prefix + f.Name] = [$"must be a number, got {Kind(v)}"]; break; }
                        if (double.IsNaN((double)values[i]!) && !f.AllowsMissing) errors[prefix + f.Name] = ["must not be missing or NaN (training data had no missing values here)"];
                        break;
                    case FieldType.Boolean:
                        if (v.ValueKind is JsonValueKind.True or JsonValueKind.False) values[i] = v.GetBoolean();
                        else errors[prefix + f.Name] = [$"must be true or false, got {Kind(v)}"];
                        break;
                    default:
                        if (v.ValueKind == JsonValueKind.String) values[i] = v.GetString();
                        else if (v.ValueKind == JsonValueKind.Null && f.AllowsMissing) values[i] = "";
                        else { errors[prefix + f.Name] = [$"must be a string, got {Kind(v)}"]; break; }
                        if (model.Categories[i] is { } seen && values[i] is string s && s.Length > 0 && !seen.Contains(s))
                        {
                            var message = $"'{s}' was never seen in training (seen: {string.Join(", ", seen.Order(StringComparer.Ordinal).Take(10))})";
                            if (rejectUnseen) errors[prefix + f.Name] = [message];
                            else (flags ??= []).Add($"{prefix}{f.Name}: {message}");
                        }
                        break;
                }
            }
            result.Add(values);
        }
        return (result, errors, flags);
    }

    private static string Kind(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{v.GetString()}\"",
        JsonValueKind.Number => $"the number {v.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        _ => "an object",
    };
}
