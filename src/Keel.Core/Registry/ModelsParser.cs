using System.Globalization;
using Keel.Pipelines;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Keel.Registry;

/// <summary>Reads the top-level <c>models:</c> section of keel.yaml; errors carry file:line:column like the rest of the file.</summary>
public static class ModelsParser
{
    public static readonly string[] TestTypes = ["metric", "slice", "invariance", "directional", "schema", "latency"];
    public static readonly string[] Metrics = ["auc", "accuracy", "f1", "precision", "recall", "log_loss", "rmse", "mae", "r2"];
    private static readonly string[] ModelKeys = ["description", "owner", "intended_use", "label", "holdout", "tests"];
    private static readonly string[] TestKeys = ["name", "type", "data", "metric", "min", "max", "by", "field", "eps", "delta", "expect", "max_ms", "rows"];

    /// <summary>The models declared in the workspace's keel.yaml; empty when there is no file or no section.</summary>
    public static IReadOnlyDictionary<string, ModelSpec> ParseFile(string path, string displayName) =>
        File.Exists(path) ? Parse(File.ReadAllText(path), displayName) : new Dictionary<string, ModelSpec>();

    public static IReadOnlyDictionary<string, ModelSpec> Parse(string text, string file)
    {
        var yaml = new YamlStream();
        try
        {
            yaml.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new PipelineException(new SourceSpan(file, e.Start.Line, e.Start.Column), e.InnerException?.Message ?? e.Message, "fix the YAML syntax");
        }
        var result = new Dictionary<string, ModelSpec>(StringComparer.Ordinal);
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root) return result;
        if (!root.Children.TryGetValue(new YamlScalarNode("models"), out var modelsNode)) return result;
        if (modelsNode is not YamlMappingNode models)
            throw new PipelineException(At(file, modelsNode), "'models' must map model names to their entries", "write models: {churn: {label: churned, tests: [...]}}");
        foreach (var (keyNode, body) in models.Children)
        {
            var name = Scalar(file, keyNode, "model name");
            try
            {
                ModelRef.ValidateName(name);
            }
            catch (KeelException e)
            {
                throw new PipelineException(At(file, keyNode), e.Message, "rename the model");
            }
            if (body is not YamlMappingNode m) throw new PipelineException(At(file, body), $"model '{name}' must be a mapping", "give it at least 'tests:'");
            CheckKeys(file, m, ModelKeys, $"model '{name}'");
            var tests = new List<BehaviourTestSpec>();
            if (m.Children.TryGetValue(new YamlScalarNode("tests"), out var testsNode))
            {
                if (testsNode is not YamlSequenceNode seq) throw new PipelineException(At(file, testsNode), "'tests' must be a list", "write one '- type: metric ...' per test");
                foreach (var t in seq.Children) tests.Add(ParseTest(file, t, tests.Count));
            }
            var dupe = tests.GroupBy(t => t.Name).FirstOrDefault(g => g.Count() > 1);
            if (dupe is not null) throw new PipelineException(dupe.Last().At, $"two tests of model '{name}' are named '{dupe.Key}'", "give each test its own name");
            result[name] = new ModelSpec(name, Opt(file, m, "description"), Opt(file, m, "owner"), Opt(file, m, "intended_use"),
                Opt(file, m, "label"), Opt(file, m, "holdout"), tests, At(file, keyNode));
        }
        return result;
    }

    private static BehaviourTestSpec ParseTest(string file, YamlNode node, int index)
    {
        if (node is not YamlMappingNode t) throw new PipelineException(At(file, node), "a test must be a mapping", "write e.g. {type: metric, metric: auc, min: 0.8}");
        CheckKeys(file, t, TestKeys, "a test");
        var typeNode = t.Children.TryGetValue(new YamlScalarNode("type"), out var tn) ? tn : throw new PipelineException(At(file, t), "a test needs 'type'", $"use one of {string.Join(", ", TestTypes)}");
        var type = Scalar(file, typeNode, "type");
        if (!TestTypes.Contains(type)) throw new PipelineException(At(file, typeNode), $"unknown test type '{type}'", $"use one of {string.Join(", ", TestTypes)}");
        var metric = Opt(file, t, "metric");
        if (metric is not null && !Metrics.Contains(metric))
            throw new PipelineException(At(file, t.Children[new YamlScalarNode("metric")]), $"unknown metric '{metric}'", $"use one of {string.Join(", ", Metrics)}");
        var spec = new BehaviourTestSpec(
            Opt(file, t, "name") ?? $"{type}-{index + 1}", type, Opt(file, t, "data"), metric, Num(file, t, "min"), Opt(file, t, "by"),
            Opt(file, t, "field"), Num(file, t, "eps"), Num(file, t, "delta"), Opt(file, t, "expect"), Num(file, t, "max_ms"),
            Num(file, t, "rows") is { } r ? (int)r : null, At(file, t));
        string? missing = type switch
        {
            "metric" when spec.Metric is null || spec.Min is null => "'metric' and 'min'",
            "slice" when spec.Metric is null || spec.Min is null || spec.By is null => "'by', 'metric' and 'min'",
            "invariance" when spec.Field is null || spec.Eps is null => "'field' and 'eps'",
            "directional" when spec.Field is null || spec.Delta is null || spec.Expect is not ("increase" or "decrease") => "'field', 'delta' and 'expect: increase|decrease'",
            "latency" when spec.MaxMs is null => "'max_ms'",
            _ => null,
        };
        if (missing is not null) throw new PipelineException(At(file, t), $"a {type} test needs {missing}", "see docs/serving.md#behaviour-tests");
        return spec;
    }

    private static string? Opt(string file, YamlMappingNode m, string key) =>
        m.Children.TryGetValue(new YamlScalarNode(key), out var n) ? Scalar(file, n, key) : null;

    private static double? Num(string file, YamlMappingNode m, string key)
    {
        if (!m.Children.TryGetValue(new YamlScalarNode(key), out var n)) return null;
        var text = Scalar(file, n, key);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new PipelineException(At(file, n), $"{key} must be a number, got '{text}'", $"write e.g. {key}: 0.8");
    }

    private static string Scalar(string file, YamlNode node, string what) =>
        node is YamlScalarNode s ? s.Value ?? "" : throw new PipelineException(At(file, node), $"{what} must be a single value", "write a plain value");

    private static void CheckKeys(string file, YamlMappingNode node, string[] allowed, string where)
    {
        foreach (var key in node.Children.Keys)
        {
            var k = (key as YamlScalarNode)?.Value ?? "";
            if (!allowed.Contains(k)) throw new PipelineException(At(file, key), $"unknown key '{k}' in {where}", $"allowed keys: {string.Join(", ", allowed)}");
        }
    }

    private static SourceSpan At(string file, YamlNode node) => new(file, node.Start.Line, node.Start.Column);
}
