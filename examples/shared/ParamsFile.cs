using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Keel.Examples.Shared;

/// <summary>params.yaml, read by dotted keys such as <c>train.trees</c> (the keys keel.yaml lists).</summary>
internal sealed class ParamsFile
{
    private readonly string _path;
    private readonly YamlMappingNode _root;

    private ParamsFile(string path, YamlMappingNode root)
    {
        _path = path;
        _root = root;
    }

    public static ParamsFile Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"params file not found: {path}");
        }

        var stream = new YamlStream();
        try
        {
            using var reader = File.OpenText(path);
            stream.Load(reader);
        }
        catch (YamlException ex)
        {
            throw new UsageException($"{path}:{ex.Start.Line}:{ex.Start.Column}: {ex.Message}");
        }

        return stream.Documents.Count == 1 && stream.Documents[0].RootNode is YamlMappingNode root
            ? new ParamsFile(path, root)
            : throw new UsageException($"{path}: expected one YAML mapping");
    }

    public string String(string key, string fallback) => Scalar(key) ?? fallback;

    public double Double(string key, double fallback)
    {
        var text = Scalar(key);
        if (text is null)
        {
            return fallback;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new UsageException($"{_path}: {key} must be a number, got '{text}'");
    }

    public int Int32(string key, int fallback)
    {
        var text = Scalar(key);
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new UsageException($"{_path}: {key} must be an integer, got '{text}'");
    }

    private string? Scalar(string key)
    {
        YamlNode node = _root;
        foreach (var part in key.Split('.'))
        {
            if (node is not YamlMappingNode mapping ||
                !mapping.Children.TryGetValue(new YamlScalarNode(part), out var child))
            {
                return null;
            }

            node = child;
        }

        return node is YamlScalarNode scalar
            ? scalar.Value
            : throw new UsageException($"{_path}: {key} must be a single value");
    }
}
