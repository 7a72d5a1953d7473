using System.Globalization;
using System.Text;
using System.Text.Json;
using Keel.Metadata;
using Keel.Objects;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Keel.Pipelines;

/// <summary>One stage's last state in keel.lock.</summary>
public sealed record LockedStage(
    string Name,
    string Command,
    Digest Recipe,
    IReadOnlyList<LockedPath> Deps,
    IReadOnlyList<KeyValuePair<string, string>> Params,
    IReadOnlyList<LockedPath> Outs);

/// <summary>A path with its digest, size and file count.</summary>
/// <param name="Dataset">For a dependency: the dataset version it resolved to (<c>raw@3</c>), pinned even when keel.yaml says <c>raw@latest</c>.</param>
public sealed record LockedPath(string Path, Digest Digest, TreeKind Kind, long Bytes, long Files, string? OutKind = null, string? Dataset = null);

/// <summary>
/// keel.lock: human-readable, deterministic (sorted, no times or ids), committed with the code.
/// Written to a temp file and renamed.
/// </summary>
public static class LockFile
{
    public const string FileName = "keel.lock";

    public static Dictionary<string, LockedStage> Read(string path) => Parse(SourceFile.Read(path).Content);

    /// <summary>Parses keel.lock's bytes; null (no file) is an empty lock.</summary>
    public static Dictionary<string, LockedStage> Parse(byte[]? content)
    {
        var result = new Dictionary<string, LockedStage>(StringComparer.Ordinal);
        if (content is null) return result;
        var yaml = new YamlStream();
        try
        {
            yaml.Load(new StringReader(SourceFile.Text(content)));
        }
        catch (YamlException e)
        {
            throw new KeelException($"{FileName}:{e.Start.Line}:{e.Start.Column}: the lock file is damaged; restore it from git or delete it to re-run every stage");
        }
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root) return result;
        if (!root.Children.TryGetValue(new YamlScalarNode("stages"), out var stagesNode) || stagesNode is not YamlMappingNode stages) return result;
        try
        {
            foreach (var (k, v) in stages.Children)
            {
                var name = ((YamlScalarNode)k).Value!;
                var m = (YamlMappingNode)v;
                var prms = new List<KeyValuePair<string, string>>();
                if (m.Children.TryGetValue(new YamlScalarNode("params"), out var pn) && pn is YamlMappingNode pm)
                    foreach (var (pk, pv) in pm.Children) prms.Add(new(((YamlScalarNode)pk).Value!, ((YamlScalarNode)pv).Value ?? ""));
                result[name] = new LockedStage(
                    name,
                    Str(m, "cmd"),
                    Digest.Parse(Str(m, "recipe")),
                    Paths(m, "deps"),
                    prms,
                    Paths(m, "outs"));
            }
        }
        catch (Exception e) when (e is InvalidCastException or KeyNotFoundException or KeelException or FormatException)
        {
            throw new KeelException($"{FileName} is damaged ({e.Message}); restore it from git or delete it to re-run every stage");
        }
        return result;
    }

    /// <summary>Writes the lock file and returns the bytes written.</summary>
    public static byte[] Write(string path, IEnumerable<LockedStage> stages)
    {
        var bytes = Render(stages);
        var temp = path + "." + Environment.ProcessId + ".tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
        return bytes;
    }

    public static byte[] Render(IEnumerable<LockedStage> stages)
    {
        var sb = new StringBuilder();
        sb.Append("# keel.lock: the last state of each stage, written by 'keel run'. Commit it with the code.\n");
        sb.Append("schema: 1\nstages:\n");
        foreach (var s in stages.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            sb.Append("  ").Append(Q(s.Name)).Append(":\n");
            sb.Append("    cmd: ").Append(Q(s.Command)).Append('\n');
            sb.Append("    recipe: ").Append(s.Recipe).Append('\n');
            AppendPaths(sb, "deps", s.Deps);
            if (s.Params.Count > 0)
            {
                sb.Append("    params:\n");
                foreach (var (k, v) in s.Params.OrderBy(p => p.Key, StringComparer.Ordinal))
                    sb.Append("      ").Append(Q(k)).Append(": ").Append(Q(v)).Append('\n');
            }
            AppendPaths(sb, "outs", s.Outs);
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    private static void AppendPaths(StringBuilder sb, string key, IReadOnlyList<LockedPath> paths)
    {
        if (paths.Count == 0) return;
        sb.Append("    ").Append(key).Append(":\n");
        foreach (var p in paths.OrderBy(p => p.Path, StringComparer.Ordinal))
        {
            sb.Append("      - path: ").Append(Q(p.Path)).Append('\n');
            if (p.Dataset is not null) sb.Append("        dataset: ").Append(Q(p.Dataset)).Append('\n');
            sb.Append("        digest: ").Append(p.Digest).Append('\n');
            sb.Append("        type: ").Append(p.Kind == TreeKind.File ? "file" : "directory").Append('\n');
            sb.Append("        size: ").Append(p.Bytes.ToString(CultureInfo.InvariantCulture)).Append('\n');
            sb.Append("        files: ").Append(p.Files.ToString(CultureInfo.InvariantCulture)).Append('\n');
            if (p.OutKind is not null) sb.Append("        kind: ").Append(p.OutKind).Append('\n');
        }
    }

    // JSON string syntax is valid YAML double-quoted syntax.
    private static string Q(string s) => JsonSerializer.Serialize(s, QuoteOptions);

    private static readonly JsonSerializerOptions QuoteOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Str(YamlMappingNode m, string key) => ((YamlScalarNode)m.Children[new YamlScalarNode(key)]).Value ?? "";

    private static List<LockedPath> Paths(YamlMappingNode m, string key)
    {
        if (!m.Children.TryGetValue(new YamlScalarNode(key), out var n) || n is not YamlSequenceNode seq) return [];
        return seq.Children.Cast<YamlMappingNode>().Select(p => new LockedPath(
            Str(p, "path"),
            Digest.Parse(Str(p, "digest")),
            Str(p, "type") == "file" ? TreeKind.File : TreeKind.Directory,
            long.Parse(Str(p, "size"), CultureInfo.InvariantCulture),
            long.Parse(Str(p, "files"), CultureInfo.InvariantCulture),
            p.Children.ContainsKey(new YamlScalarNode("kind")) ? Str(p, "kind") : null,
            p.Children.ContainsKey(new YamlScalarNode("dataset")) ? Str(p, "dataset") : null)).ToList();
    }
}
