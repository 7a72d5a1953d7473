using System.Text;
using System.Text.Json;
using Keel.Registry;
using Keel.Server.Hosting;

namespace Keel.Server.Api;

/// <summary>
/// The fast path for the commonest body, one flat JSON object holding exactly the signature's
/// fields with well-typed, seen values: read straight into model inputs with no document, no
/// dictionary and no property-name strings. Anything else (another shape, a missing, extra or
/// repeated field, a null, an unseen category, malformed JSON) returns false, and the general
/// path (<see cref="RequestRows"/> and <see cref="RowValidator"/>) answers it, errors included.
/// </summary>
internal static class SingleRowReader
{
    private const int MaxCategoryBytes = 128;

    public static bool TryRead(ReadOnlySpan<byte> body, ServedModel model, out object?[] values)
    {
        values = null!;
        if (!model.FastPath) return false;
        var fields = model.Fields;
        var names = model.FieldNamesUtf8;
        var row = new object?[fields.Count];
        Span<char> chars = stackalloc char[MaxCategoryBytes];
        var set = 0;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.EndObject) break;
                if (reader.TokenType != JsonTokenType.PropertyName) return false;
                var i = 0;
                while (i < names.Length && !reader.ValueTextEquals(names[i])) i++;
                if (i == names.Length || row[i] is not null || !reader.Read()) return false;
                switch (fields[i].Type)
                {
                    case FieldType.Number:
                        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var d)) return false;
                        row[i] = d;
                        break;
                    case FieldType.Boolean:
                        if (reader.TokenType is not (JsonTokenType.True or JsonTokenType.False)) return false;
                        row[i] = reader.GetBoolean();
                        break;
                    default:
                        if (reader.TokenType != JsonTokenType.String) return false;
                        if (model.Categories[i] is { } seen && !reader.ValueIsEscaped && !reader.HasValueSequence && reader.ValueSpan.Length is > 0 and <= MaxCategoryBytes)
                        {
                            // A category seen in training: the signature's own string, no new one per request.
                            var length = Encoding.UTF8.GetChars(reader.ValueSpan, chars);
                            if (!seen.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(chars[..length], out var known)) return false;
                            row[i] = known;
                            break;
                        }
                        var s = reader.GetString()!;
                        if (s.Length > 0 && model.Categories[i] is { } categories && !categories.Contains(s)) return false;
                        row[i] = s;
                        break;
                }
                set++;
            }
            // Exactly one object, every field once, nothing after it.
            if (reader.TokenType != JsonTokenType.EndObject || set != fields.Count || reader.Read()) return false;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Malformed, or text the reader cannot decode (an escaped lone surrogate, "\ud800"): the general path names the problem.
            return false;
        }
        values = row;
        return true;
    }
}
