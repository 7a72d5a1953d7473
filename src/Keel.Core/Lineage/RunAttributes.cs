using System.Text.Json;
using Keel.Objects;

namespace Keel.Lineage;

/// <summary>
/// The attribute conventions of a run node (docs/lineage.md): <c>command</c>, <c>params</c>
/// (object), <c>git_commit</c>, <c>git_diff</c> (digest of the diff object), <c>env</c> (digest
/// of the environment object), <c>seed</c>, <c>recipe</c> (digest), <c>stage</c>.
/// </summary>
public sealed record RunAttributes(
    string? Command,
    IReadOnlyDictionary<string, string> Params,
    string? GitCommit,
    Digest? GitDiff,
    Digest? Env,
    string? Seed,
    Digest? Recipe,
    string? Stage)
{
    public static RunAttributes Parse(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) return new RunAttributes(null, new Dictionary<string, string>(), null, null, null, null, null, null);
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        var ps = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("params", out var p) && p.ValueKind == JsonValueKind.Object)
            Flatten(p, "", ps);
        return new RunAttributes(
            Text(root, "command"), ps, Text(root, "git_commit"), DigestOf(root, "git_diff"), DigestOf(root, "env"),
            Text(root, "seed"), DigestOf(root, "recipe"), Text(root, "stage"));
    }

    /// <summary>A string attribute of any node, or null.</summary>
    public static string? Text(string? json, string key)
    {
        if (string.IsNullOrWhiteSpace(json)) return null;
        using var doc = JsonDocument.Parse(json);
        return Text(doc.RootElement, key);
    }

    private static string? Text(JsonElement root, string key) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(key, out var v)
            ? v.ValueKind switch
            {
                JsonValueKind.String => v.GetString(),
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                JsonValueKind.Array => string.Join(' ', v.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.String ? x.GetString() : x.GetRawText())),
                _ => v.GetRawText(),
            }
            : null;

    private static Digest? DigestOf(JsonElement root, string key) =>
        Digest.TryParse(Text(root, key), out var d) ? d : null;

    private static void Flatten(JsonElement e, string prefix, SortedDictionary<string, string> into)
    {
        foreach (var p in e.EnumerateObject())
        {
            var key = prefix.Length == 0 ? p.Name : $"{prefix}.{p.Name}";
            if (p.Value.ValueKind == JsonValueKind.Object) Flatten(p.Value, key, into);
            else into[key] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
        }
    }
}
