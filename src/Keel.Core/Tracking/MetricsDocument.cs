using System.Globalization;
using System.Text;
using System.Text.Json;
using Keel.Registry;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Keel.Tracking;

/// <summary>One value read from a metrics file: a number, or the text of a value that is not one.</summary>
/// <param name="Number">The value when it is numeric (NaN and ±Infinity included); null for text and booleans.</param>
public sealed record MetricsEntry(string Key, double? Number, string Text, long Step);

/// <summary>
/// Reads a metrics file as DVC does: JSON or YAML (nested keys flattened with dots, list items
/// by index), or CSV/TSV with a header row (each row one step; a <c>step</c> column, if any,
/// numbers them). The format follows the extension; an unknown one is tried as JSON, then YAML.
/// Only numbers become run metrics; text and booleans are kept for <c>keel metrics show</c>.
/// </summary>
public static class MetricsDocument
{
    /// <summary>The extensions read as metrics files.</summary>
    public static readonly IReadOnlyList<string> Extensions = [".json", ".yaml", ".yml", ".csv", ".tsv"];

    /// <summary>Parses <paramref name="text"/>; <paramref name="path"/> names the file in errors and picks the format.</summary>
    public static IReadOnlyList<MetricsEntry> Parse(string text, string path)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(path);
        var entries = new List<MetricsEntry>();
        switch (Path.GetExtension(path).ToLowerInvariant())
        {
            case ".json":
                ParseJson(text, path, entries);
                break;
            case ".yaml" or ".yml":
                ParseYaml(text, path, entries);
                break;
            case ".csv":
                ParseTable(text, path, ',', entries);
                break;
            case ".tsv":
                ParseTable(text, path, '\t', entries);
                break;
            default:
                try
                {
                    ParseJson(text, path, entries);
                }
                catch (KeelException)
                {
                    entries.Clear();
                    ParseYaml(text, path, entries);
                }
                break;
        }
        return entries.Select(e => e with { Key = CleanKey(e.Key) }).ToList();
    }

    /// <summary>The numeric entries as metric points; text and booleans are left out.</summary>
    public static IReadOnlyList<MetricPoint> Points(IEnumerable<MetricsEntry> entries, DateTimeOffset at) =>
        entries.Where(e => e.Number is not null).Select(e => new MetricPoint(e.Key, e.Number!.Value, e.Step, at)).ToList();

    /// <summary>Reads a file, or every metrics file inside a folder (in path order).</summary>
    public static IReadOnlyList<MetricsEntry> Read(string fullPath, string displayPath)
    {
        if (File.Exists(fullPath)) return Parse(File.ReadAllText(fullPath), displayPath);
        if (!Directory.Exists(fullPath)) throw new KeelException($"metrics file '{displayPath}' does not exist");
        var all = new List<MetricsEntry>();
        foreach (var file in Directory.EnumerateFiles(fullPath, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (!Extensions.Contains(Path.GetExtension(file).ToLowerInvariant())) continue;
            var rel = displayPath + "/" + Path.GetRelativePath(fullPath, file).Replace(Path.DirectorySeparatorChar, '/');
            all.AddRange(Parse(File.ReadAllText(file), rel));
        }
        return all;
    }

    // A key with characters a metric key may not hold (spaces, '@', ...) keeps its meaning with '_' in their place.
    private static string CleanKey(string key)
    {
        var b = new StringBuilder(key.Length);
        foreach (var c in key) b.Append(char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' or '/' ? c : '_');
        var clean = b.ToString().Trim('.', '/');
        if (clean.Length == 0) clean = "_";
        return clean.Length > TrackingKeys.MaxKeyLength ? clean[..TrackingKeys.MaxKeyLength] : clean;
    }

    private static void ParseJson(string text, string path, List<MetricsEntry> entries)
    {
        try
        {
            using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            if (doc.RootElement.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
                throw new KeelException($"{path}: a metrics file must hold a JSON object, e.g. {{\"auc\": 0.93}}");
            Json(doc.RootElement, "", entries);
        }
        catch (JsonException e)
        {
            throw new KeelException($"{path}:{(e.LineNumber ?? 0) + 1}: not valid JSON ({FirstSentence(e.Message)}); write one JSON object, e.g. {{\"auc\": 0.93}}");
        }
    }

    private static void Json(JsonElement e, string prefix, List<MetricsEntry> entries)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject()) Json(p.Value, Join(prefix, p.Name), entries);
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in e.EnumerateArray()) Json(item, Join(prefix, (i++).ToString(CultureInfo.InvariantCulture)), entries);
                break;
            case JsonValueKind.Number:
                entries.Add(new MetricsEntry(prefix, e.GetDouble(), e.GetRawText(), 0));
                break;
            case JsonValueKind.String:
                var s = e.GetString()!;
                entries.Add(new MetricsEntry(prefix, SpecialNumber(s), s, 0));
                break;
            case JsonValueKind.True or JsonValueKind.False:
                entries.Add(new MetricsEntry(prefix, null, e.GetRawText(), 0));
                break;
        }
    }

    private static void ParseYaml(string text, string path, List<MetricsEntry> entries)
    {
        var yaml = new YamlStream();
        try
        {
            yaml.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new KeelException($"{path}:{e.Start.Line}:{e.Start.Column}: not valid YAML ({e.InnerException?.Message ?? e.Message}); fix the syntax");
        }
        if (yaml.Documents.Count == 0) return;
        if (yaml.Documents[0].RootNode is YamlScalarNode)
            throw new KeelException($"{path}: a metrics file must hold a YAML mapping, e.g. 'auc: 0.93'");
        Yaml(yaml.Documents[0].RootNode, "", entries);
    }

    private static void Yaml(YamlNode node, string prefix, List<MetricsEntry> entries)
    {
        switch (node)
        {
            case YamlMappingNode m:
                foreach (var (k, v) in m.Children) Yaml(v, Join(prefix, (k as YamlScalarNode)?.Value ?? "_"), entries);
                break;
            case YamlSequenceNode s:
                for (var i = 0; i < s.Children.Count; i++) Yaml(s.Children[i], Join(prefix, i.ToString(CultureInfo.InvariantCulture)), entries);
                break;
            case YamlScalarNode sc when sc.Value is { } v:
                // Quoted scalars are text in YAML, even when they look like numbers.
                var number = sc.Style is ScalarStyle.Plain or ScalarStyle.Any ? YamlNumber(v) : null;
                if ((sc.Style is ScalarStyle.Plain && v.Length == 0) || v is "~" or "null" or "Null" or "NULL") return;
                entries.Add(new MetricsEntry(prefix, number, v, 0));
                break;
        }
    }

    private static double? YamlNumber(string v) => v switch
    {
        ".nan" or ".NaN" or ".NAN" => double.NaN,
        ".inf" or ".Inf" or ".INF" or "+.inf" or "+.Inf" or "+.INF" => double.PositiveInfinity,
        "-.inf" or "-.Inf" or "-.INF" => double.NegativeInfinity,
        _ => Plain(v),
    };

    private static void ParseTable(string text, string path, char separator, List<MetricsEntry> entries)
    {
        CsvTable table;
        if (separator == ',')
        {
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
            table = CsvTable.Read(stream, path);
        }
        else
        {
            var lines = text.Replace("\r", "", StringComparison.Ordinal).Split('\n').Where(l => l.Length > 0).ToList();
            if (lines.Count == 0) throw new KeelException($"{path} is empty; a TSV with a header row is needed");
            var header = lines[0].Split(separator);
            var rows = new List<string[]>();
            for (var i = 1; i < lines.Count; i++)
            {
                var row = lines[i].Split(separator);
                if (row.Length != header.Length)
                    throw new KeelException($"{path}:{i + 1}: {row.Length} fields where the header has {header.Length}; fix the row");
                rows.Add(row);
            }
            table = new CsvTable(header, rows);
        }
        var stepColumn = table.IndexOf("step");
        for (var r = 0; r < table.Rows.Count; r++)
        {
            var row = table.Rows[r];
            long step = r;
            if (stepColumn >= 0 && !long.TryParse(row[stepColumn], NumberStyles.Integer, CultureInfo.InvariantCulture, out step))
                throw new KeelException($"{path}:{r + 2}: step '{row[stepColumn]}' is not a whole number");
            for (var c = 0; c < table.Columns.Count; c++)
            {
                if (c == stepColumn) continue;
                var name = table.Columns[c].Trim();
                if (name.Length == 0) throw new KeelException($"{path}:1: column {c + 1} has no name; give every column of the header a name");
                var value = row[c].Trim();
                if (value.Length == 0) continue;
                entries.Add(new MetricsEntry(name, Plain(value) ?? SpecialNumber(value), value, step));
            }
        }
    }

    private static double? Plain(string v) =>
        double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && !v.Contains("∞", StringComparison.Ordinal) ? d : SpecialNumber(v);

    private static double? SpecialNumber(string v) => v switch
    {
        "NaN" or "nan" => double.NaN,
        "Infinity" or "inf" => double.PositiveInfinity,
        "-Infinity" or "-inf" => double.NegativeInfinity,
        _ => null,
    };

    private static string Join(string prefix, string key) => prefix.Length == 0 ? key : prefix + "." + key;

    private static string FirstSentence(string message)
    {
        var i = message.IndexOf(". ", StringComparison.Ordinal);
        return i < 0 ? message.TrimEnd('.') : message[..i];
    }
}
