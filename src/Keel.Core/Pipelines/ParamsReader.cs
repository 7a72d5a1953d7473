using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Keel.Pipelines;

/// <summary>Reads dotted keys (<c>train.lr</c>) from YAML params files, as canonical text values.</summary>
/// <param name="preloaded">Values already parsed (the pipeline cache), with the bytes they were parsed from.</param>
internal sealed class ParamsReader(string workspaceRoot, Dictionary<string, Dictionary<string, string>>? preloaded = null, IEnumerable<SourceFile>? preloadedSources = null)
{
    private readonly Dictionary<string, Dictionary<string, string>> _files = preloaded ?? new(StringComparer.Ordinal);
    private readonly Dictionary<string, SourceFile> _sources = (preloadedSources ?? []).Where(f => preloaded?.ContainsKey(f.Path) == true).ToDictionary(f => f.Path, StringComparer.Ordinal);

    /// <summary>The bytes each loaded params file was parsed from.</summary>
    public IReadOnlyList<SourceFile> Sources
    {
        get
        {
            lock (_files) return _sources.Values.ToList();
        }
    }

    /// <summary>Every params file read so far, by path.</summary>
    public Dictionary<string, Dictionary<string, string>> Loaded
    {
        get
        {
            lock (_files) return new Dictionary<string, Dictionary<string, string>>(_files, StringComparer.Ordinal);
        }
    }

    public string Get(ParamRef p)
    {
        var values = Load(p);
        return values.TryGetValue(p.Key, out var v)
            ? v
            : throw new PipelineException(p.At, $"param '{p.Key}' is not in {p.File}", $"add it to {p.File} or remove it from the stage");
    }

    /// <summary>The value, or null when the file does not exist or lacks the key.</summary>
    public string? TryGet(ParamRef p)
    {
        var values = Load(p, required: false);
        return values is not null && values.TryGetValue(p.Key, out var v) ? v : null;
    }

    /// <summary>Whether the params file exists (or was already read).</summary>
    public bool Exists(string file)
    {
        lock (_files) return _files.ContainsKey(file) || File.Exists(Path.Combine(workspaceRoot, file));
    }

    private Dictionary<string, string> Load(ParamRef p) => Load(p, required: true)!;

    private Dictionary<string, string>? Load(ParamRef p, bool required)
    {
        lock (_files)
        {
            if (_files.TryGetValue(p.File, out var cached)) return cached;
            var source = SourceFile.Read(Path.Combine(workspaceRoot, p.File), p.File);
            if (source.Content is null && !required) return null;
            if (source.Content is null)
                throw new PipelineException(p.At, $"params file '{p.File}' does not exist", "create it, or name the right file as {file.yaml: [keys]}");
            var yaml = new YamlStream();
            try
            {
                yaml.Load(new StringReader(SourceFile.Text(source.Content)));
            }
            catch (YamlException e)
            {
                throw new KeelException($"{p.File}:{e.Start.Line}:{e.Start.Column}: {e.InnerException?.Message ?? e.Message}; fix the YAML syntax");
            }
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            if (yaml.Documents.Count > 0) Flatten(yaml.Documents[0].RootNode, "", values);
            _files[p.File] = values;
            _sources[p.File] = source;
            return values;
        }
    }

    internal static void Flatten(YamlNode node, string prefix, Dictionary<string, string> values)
    {
        switch (node)
        {
            case YamlMappingNode m:
                foreach (var (k, v) in m.Children)
                {
                    var key = prefix.Length == 0 ? ((YamlScalarNode)k).Value! : $"{prefix}.{((YamlScalarNode)k).Value}";
                    Flatten(v, key, values);
                }
                if (prefix.Length > 0) values[prefix] = Canonical(m);
                break;
            case YamlSequenceNode s:
                values[prefix] = Canonical(s);
                break;
            case YamlScalarNode sc:
                values[prefix] = sc.Value ?? "";
                break;
        }
    }

    private static string Canonical(YamlNode node) => node switch
    {
        YamlScalarNode s => s.Value ?? "",
        YamlSequenceNode seq => "[" + string.Join(", ", seq.Children.Select(Canonical)) + "]",
        YamlMappingNode m => "{" + string.Join(", ", m.Children.OrderBy(kv => ((YamlScalarNode)kv.Key).Value, StringComparer.Ordinal)
            .Select(kv => $"{((YamlScalarNode)kv.Key).Value}: {Canonical(kv.Value)}")) + "}",
        _ => string.Empty.ToString(CultureInfo.InvariantCulture),
    };
}
