using Keel.Objects;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Keel.Workspaces;

/// <summary>
/// <c>.keel/config.yaml</c>: which backends hold metadata and objects, and which executor runs
/// stages, each chosen by URI.
/// </summary>
public sealed record WorkspaceConfig(string Metadata, string Objects, string Executor, bool DurableWrites)
{
    public const string DefaultMetadata = "sqlite:.keel/keel.db";
    public const string DefaultObjects = "file:.keel/objects";
    public const string DefaultExecutor = "local";

    public static WorkspaceConfig Default { get; } = new(DefaultMetadata, DefaultObjects, DefaultExecutor, false);

    /// <summary>Named object stores to push to and pull from (<c>remotes:</c>, name to URI).</summary>
    public IReadOnlyDictionary<string, string> Remotes { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>How <c>keel add</c> stores workspace files in a local object store (<c>link:</c>, default copy).</summary>
    public LinkMode Link { get; init; } = LinkMode.Copy;

    /// <summary>Value equality, remotes compared by content.</summary>
    public bool Equals(WorkspaceConfig? other) =>
        other is not null && Metadata == other.Metadata && Objects == other.Objects && Executor == other.Executor
        && DurableWrites == other.DurableWrites && Link == other.Link && Remotes.Count == other.Remotes.Count
        && Remotes.All(kv => other.Remotes.TryGetValue(kv.Key, out var v) && v == kv.Value);

    public override int GetHashCode() => HashCode.Combine(Metadata, Objects, Executor, DurableWrites, Link, Remotes.Count);

    private static readonly HashSet<string> KnownKeys = ["metadata", "objects", "executor", "durable_writes", "link", "remotes"];

    public static string DefaultText =>
        """
        # Keel workspace configuration. Each backend is chosen by URI.
        metadata: sqlite:.keel/keel.db        # or postgres://user@host:5432/keel
        objects: file:.keel/objects           # or s3://bucket/prefix?endpoint=http://127.0.0.1:9000
        executor: local                       # or slurm+unix:///run/slurmrestd.sock
        # durable_writes: true flushes objects to disk (syncfs) before metadata commits,
        # surviving power loss at the cost of speed; kills and crashes are safe either way.
        durable_writes: false
        # link: copy (the default) stores an independent copy of each added file, a
        # copy-on-write clone where the file system can (btrfs, XFS); hardlink makes the file
        # itself the stored object (read-only, no copy; see docs/cli.md). Uncomment to choose:
        # link: copy

        """;

    /// <summary>Parses the file, naming file, line and column for any mistake.</summary>
    public static WorkspaceConfig Load(string file)
    {
        var text = File.ReadAllText(file);
        // Every command reads this file: the common flat form is read directly, since the
        // YAML library's first use costs tens of milliseconds; anything else goes through it.
        if (TryParseFlat(text) is { } flat) return flat;
        var yaml = new YamlStream();
        try
        {
            yaml.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new KeelException($"{file}:{e.Start.Line}:{e.Start.Column}: {Clean(e)}; fix the YAML syntax");
        }
        if (yaml.Documents.Count == 0) return Default;
        if (yaml.Documents[0].RootNode is not YamlMappingNode root)
        {
            var node = yaml.Documents[0].RootNode;
            if (node is YamlScalarNode { Value: null or "" }) return Default;
            throw new KeelException($"{file}:{node.Start.Line}:{node.Start.Column}: expected a mapping of settings (metadata:, objects:, executor:)");
        }
        var config = Default;
        foreach (var (keyNode, valueNode) in root.Children)
        {
            var key = ((YamlScalarNode)keyNode).Value ?? "";
            if (!KnownKeys.Contains(key))
                throw new KeelException($"{file}:{keyNode.Start.Line}:{keyNode.Start.Column}: unknown setting '{key}'; expected one of {string.Join(", ", KnownKeys.Order())}");
            if (key == "remotes")
            {
                config = config with { Remotes = ParseRemotes(file, valueNode) };
                continue;
            }
            if (valueNode is not YamlScalarNode { Value: { Length: > 0 } value })
                throw new KeelException($"{file}:{valueNode.Start.Line}:{valueNode.Start.Column}: '{key}' needs a value");
            config = key switch
            {
                "metadata" => config with { Metadata = value },
                "objects" => config with { Objects = value },
                "executor" => config with { Executor = value },
                "link" => config with { Link = ParseLink(value) ?? throw new KeelException($"{file}:{valueNode.Start.Line}:{valueNode.Start.Column}: 'link' is copy, hardlink or reflink, not '{value}'") },
                _ => config with { DurableWrites = ParseBool(file, valueNode, value) },
            };
        }
        return config;
    }

    /// <summary>Parses <c>key: value  # comment</c> lines with known keys and plain values; null for anything else.</summary>
    internal static WorkspaceConfig? TryParseFlat(string text)
    {
        var config = Default;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var hash = line.IndexOf(" #", StringComparison.Ordinal);
            if (line.TrimStart().StartsWith('#')) continue;
            if (hash >= 0) line = line[..hash];
            if (line.Trim().Length == 0) continue;
            if (char.IsWhiteSpace(line[0])) return null;
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon <= 0) return null;
            var key = line[..colon];
            var value = line[(colon + 2)..].Trim();
            if (value.Length == 0 || value.IndexOfAny(['"', '\'', '{', '[', '&', '*', '!', '|', '>', '%', '@', '`']) >= 0) return null;
            switch (key)
            {
                case "metadata": config = config with { Metadata = value }; break;
                case "objects": config = config with { Objects = value }; break;
                case "executor": config = config with { Executor = value }; break;
                case "durable_writes" when value is "true" or "false": config = config with { DurableWrites = value == "true" }; break;
                case "link" when ParseLink(value) is { } link: config = config with { Link = link }; break;
                default: return null;
            }
        }
        return config;
    }

    private static Dictionary<string, string> ParseRemotes(string file, YamlNode node)
    {
        var remotes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is YamlScalarNode { Value: null or "" }) return remotes;
        if (node is not YamlMappingNode map)
            throw new KeelException($"{file}:{node.Start.Line}:{node.Start.Column}: 'remotes' must map names to URIs (remotes: {{team: s3://bucket/prefix}})");
        foreach (var (k, v) in map.Children)
        {
            var name = ((YamlScalarNode)k).Value ?? "";
            if (v is not YamlScalarNode { Value: { Length: > 0 } uri })
                throw new KeelException($"{file}:{v.Start.Line}:{v.Start.Column}: remote '{name}' needs a URI");
            remotes[name] = uri;
        }
        return remotes;
    }

    /// <summary>copy, hardlink or reflink (DVC's name for what copy does where it can: a clone); null for anything else.</summary>
    public static LinkMode? ParseLink(string value) => value switch
    {
        "copy" or "reflink" => LinkMode.Copy,
        "hardlink" => LinkMode.Hardlink,
        _ => null,
    };

    private static bool ParseBool(string file, YamlNode node, string value) => value switch
    {
        "true" or "yes" or "on" => true,
        "false" or "no" or "off" => false,
        _ => throw new KeelException($"{file}:{node.Start.Line}:{node.Start.Column}: expected true or false, got '{value}'"),
    };

    private static string Clean(YamlException e)
    {
        var message = e.InnerException?.Message ?? e.Message;
        var idx = message.IndexOf("): ", StringComparison.Ordinal);
        return idx >= 0 ? message[(idx + 3)..] : message;
    }
}
