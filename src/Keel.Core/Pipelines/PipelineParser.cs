using System.Globalization;
using System.Text.RegularExpressions;
using Keel.Monitoring;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Keel.Pipelines;

/// <summary>Reads keel.yaml into stage definitions, expanding <c>foreach</c> templates.</summary>
public static partial class PipelineParser
{
    public const string DefaultParamsFile = "params.yaml";

    private static readonly string[] RootKeys = ["stages", "params", "vars", "monitor", "models"];
    private static readonly string[] StageKeys = ["cmd", "deps", "params", "outs", "seed", "resources", "compare", "desc", "foreach", "do"];
    private static readonly string[] OutKinds = ["data", "model", "metrics", "plots", "report", "code", "predictions", "log"];
    private static readonly string[] CompareMethods = ["exact", "model", "predictions", "metrics"];

    public static PipelineDefinition ParseFile(string path, string displayName)
    {
        if (!File.Exists(path))
            throw new KeelException($"no {displayName} in the workspace; write one (see docs/pipelines.md) or run 'keel quickstart' for an example");
        return Parse(File.ReadAllText(path), displayName);
    }

    public static PipelineDefinition Parse(string text, string file)
    {
        var yaml = new YamlStream();
        try
        {
            yaml.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            var inner = e.InnerException?.Message ?? e.Message;
            var idx = inner.IndexOf("): ", StringComparison.Ordinal);
            throw new PipelineException(new SourceSpan(file, e.Start.Line, e.Start.Column), idx >= 0 ? inner[(idx + 3)..] : inner, "fix the YAML syntax");
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet gives up this way, without a position, on some malformed flow lists
            // (one cut by an invalid byte, one followed by an alias).
            throw new PipelineException(new SourceSpan(file, 1, 1), "the file is not valid YAML (the parser gave up without a position; look for a '[' or '{' list that is not closed or is followed by more text, or a character that is not valid UTF-8)", "fix the YAML syntax");
        }
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is not YamlMappingNode root)
            throw new PipelineException(new SourceSpan(file, 1, 1), "keel.yaml must be a mapping with a 'stages:' key", "start the file with 'stages:'");
        var ctx = new Context(file, new Dictionary<string, string>());
        CheckKeys(ctx, root, RootKeys, "the top level");
        var defaultParams = root.Children.TryGetValue(new YamlScalarNode("params"), out var pn) ? Scalar(ctx, pn, "params") : DefaultParamsFile;
        var varsFiles = new List<string>();
        if (root.Children.TryGetValue(new YamlScalarNode("vars"), out var varsNode)) ctx = ctx with { Vars = ParseVars(ctx, varsNode, varsFiles) };
        if (!root.Children.TryGetValue(new YamlScalarNode("stages"), out var stagesNode) || stagesNode is not YamlMappingNode stages)
            throw new PipelineException(At(ctx, root), "missing 'stages:' mapping", "add 'stages:' with one entry per stage");

        var result = new List<StageDefinition>();
        foreach (var (keyNode, body) in stages.Children)
        {
            var name = Scalar(ctx, keyNode, "stage name");
            if (!StageName().IsMatch(name))
                throw new PipelineException(At(ctx, keyNode), $"'{name}' is not a valid stage name", "use letters, digits, '_' or '-'");
            if (body is not YamlMappingNode stage)
                throw new PipelineException(At(ctx, body), $"stage '{name}' must be a mapping", "give it at least 'cmd:'");
            CheckKeys(ctx, stage, StageKeys, $"stage '{name}'");
            if (stage.Children.TryGetValue(new YamlScalarNode("foreach"), out var items))
            {
                if (!stage.Children.TryGetValue(new YamlScalarNode("do"), out var doNode) || doNode is not YamlMappingNode template)
                    throw new PipelineException(At(ctx, stage), $"stage '{name}' has 'foreach' but no 'do:' mapping", "put the stage body under 'do:'");
                foreach (var (suffix, vars) in Expand(ctx, items))
                {
                    var merged = new Dictionary<string, string>(ctx.Vars, StringComparer.Ordinal);
                    foreach (var (k, v) in vars) merged[k] = v;
                    var expanded = ctx with { Vars = merged, Foreach = true };
                    CheckKeys(expanded, template, StageKeys.Except(["foreach", "do"]).ToArray(), $"stage '{name}' do:");
                    result.Add(ParseStage(expanded, $"{name}@{suffix}", template, defaultParams));
                }
                continue;
            }
            if (stage.Children.ContainsKey(new YamlScalarNode("do")))
                throw new PipelineException(At(ctx, stage), $"stage '{name}' has 'do:' without 'foreach:'", "add 'foreach:' with the values to sweep");
            result.Add(ParseStage(ctx, name, stage, defaultParams));
        }
        MonitorPolicy? monitor = null;
        if (root.Children.TryGetValue(new YamlScalarNode("monitor"), out var monitorNode))
        {
            monitor = ParseMonitor(ctx, monitorNode);
            var unknown = monitor.OnDrift?.Stages.FirstOrDefault(s => result.All(r => r.Name != s));
            if (unknown is not null)
                throw new PipelineException(At(ctx, monitorNode), $"monitor.on_drift runs stage '{unknown}', which keel.yaml does not define", $"use one of {string.Join(", ", result.Select(r => r.Name))}");
            if (monitor.OnDrift?.Register?.Split(':')[0] is { } register && result.All(r => r.Name != register))
                throw new PipelineException(At(ctx, monitorNode), $"monitor.on_drift registers the model of stage '{register}', which keel.yaml does not define", $"use one of {string.Join(", ", result.Select(r => r.Name))}");
        }
        return new PipelineDefinition(file, result) { Monitor = monitor, VarsFiles = varsFiles };
    }

    private static StageDefinition ParseStage(Context ctx, string name, YamlMappingNode stage, string defaultParams)
    {
        var at = At(ctx, stage);
        if (!stage.Children.TryGetValue(new YamlScalarNode("cmd"), out var cmdNode))
            throw new PipelineException(at, $"stage '{name}' has no 'cmd'", "add the command it runs, e.g. cmd: python train.py");
        var command = cmdNode is YamlSequenceNode seq
            ? string.Join(" && ", seq.Children.Select(c => Command(ctx, c)))
            : Command(ctx, cmdNode);
        if (string.IsNullOrWhiteSpace(command)) throw new PipelineException(At(ctx, cmdNode), $"stage '{name}' has an empty 'cmd'", "give the command to run");

        var deps = List(ctx, stage, "deps").Select(n => ParseDep(ctx, n)).ToList();
        var outs = List(ctx, stage, "outs").Select(n => ParseOut(ctx, n)).ToList();
        var prms = List(ctx, stage, "params").SelectMany(n => ParseParams(ctx, n, defaultParams)).ToList();
        int? seed = stage.Children.TryGetValue(new YamlScalarNode("seed"), out var seedNode) ? Int(ctx, seedNode, "seed") : null;
        var resources = stage.Children.TryGetValue(new YamlScalarNode("resources"), out var resNode) ? ParseResources(ctx, resNode) : new StageResources(1, 0, 0);
        var compare = stage.Children.TryGetValue(new YamlScalarNode("compare"), out var cmpNode) ? ParseCompare(ctx, cmpNode) : [];
        return new StageDefinition(name, command, deps, prms, outs, seed, resources, compare, at);
    }

    private static DepSpec ParseDep(Context ctx, YamlNode node)
    {
        var text = node is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode("path"), out var p) ? Scalar(ctx, p, "deps path") : Scalar(ctx, node, "deps entry");
        if (DatasetDep().IsMatch(text)) return new DepSpec(text, text, At(ctx, node));
        return new DepSpec(NormalizePath(ctx, node, text), null, At(ctx, node));
    }

    private static OutSpec ParseOut(Context ctx, YamlNode node)
    {
        if (node is YamlScalarNode) return new OutSpec(NormalizePath(ctx, node, Scalar(ctx, node, "outs entry")), "data", true, At(ctx, node));
        if (node is not YamlMappingNode m) throw new PipelineException(At(ctx, node), "an output must be a path or {path, kind, cache}", "write e.g. {path: models/m.zip, kind: model}");
        CheckKeys(ctx, m, ["path", "kind", "cache"], "an output");
        if (!m.Children.TryGetValue(new YamlScalarNode("path"), out var pathNode))
            throw new PipelineException(At(ctx, m), "an output needs 'path'", "add path: PATH");
        var kind = m.Children.TryGetValue(new YamlScalarNode("kind"), out var k) ? Scalar(ctx, k, "kind") : "data";
        if (!OutKinds.Contains(kind))
            throw new PipelineException(At(ctx, k!), $"unknown output kind '{kind}'", $"use one of {string.Join(", ", OutKinds)}");
        var cache = !m.Children.TryGetValue(new YamlScalarNode("cache"), out var c) || Bool(ctx, c, "cache");
        return new OutSpec(NormalizePath(ctx, pathNode, Scalar(ctx, pathNode, "path")), kind, cache, At(ctx, m));
    }

    private static IEnumerable<ParamRef> ParseParams(Context ctx, YamlNode node, string defaultFile)
    {
        if (node is YamlScalarNode) return [new ParamRef(defaultFile, Scalar(ctx, node, "params key"), At(ctx, node))];
        if (node is YamlMappingNode m)
        {
            return m.Children.SelectMany(kv =>
            {
                var file = NormalizePath(ctx, kv.Key, Scalar(ctx, kv.Key, "params file"));
                if (kv.Value is not YamlSequenceNode keys)
                    throw new PipelineException(At(ctx, kv.Value), $"params of '{file}' must be a list of keys", "write {params.yaml: [train.lr, train.trees]}");
                return keys.Children.Select(k => new ParamRef(file, Scalar(ctx, k, "params key"), At(ctx, k)));
            }).ToList();
        }
        throw new PipelineException(At(ctx, node), "a params entry must be a key or {file: [keys]}", "write e.g. - train.lr");
    }

    private static StageResources ParseResources(Context ctx, YamlNode node)
    {
        if (node is not YamlMappingNode m) throw new PipelineException(At(ctx, node), "'resources' must be a mapping", "write {cpus: 2, memory: 4G, gpus: 0}");
        CheckKeys(ctx, m, ["cpus", "memory", "gpus"], "resources");
        var cpus = m.Children.TryGetValue(new YamlScalarNode("cpus"), out var c) ? Int(ctx, c, "cpus") : 1;
        var gpus = m.Children.TryGetValue(new YamlScalarNode("gpus"), out var g) ? Int(ctx, g, "gpus") : 0;
        var memory = m.Children.TryGetValue(new YamlScalarNode("memory"), out var mem) ? Memory(ctx, mem) : 0;
        if (cpus < 1) throw new PipelineException(At(ctx, c!), "cpus must be at least 1", "set cpus: 1 or more");
        if (gpus < 0) throw new PipelineException(At(ctx, g!), "gpus cannot be negative", "set gpus: 0 or more");
        return new StageResources(cpus, memory, gpus);
    }

    private static List<CompareRule> ParseCompare(Context ctx, YamlNode node)
    {
        if (node is not YamlMappingNode m) throw new PipelineException(At(ctx, node), "'compare' must map output paths to rules", "write {models/m.zip: {method: predictions, abs: 1e-5}}");
        var rules = new List<CompareRule>();
        foreach (var (pathNode, ruleNode) in m.Children)
        {
            var path = NormalizePath(ctx, pathNode, Scalar(ctx, pathNode, "compare path"));
            if (ruleNode is not YamlMappingNode r) throw new PipelineException(At(ctx, ruleNode), $"the compare rule for '{path}' must be a mapping", "write {method: exact}");
            CheckKeys(ctx, r, ["method", "abs", "rel", "probe", "metrics", "score"], $"compare rule for '{path}'");
            var method = r.Children.TryGetValue(new YamlScalarNode("method"), out var mn) ? Scalar(ctx, mn, "method") : "exact";
            if (!CompareMethods.Contains(method))
                throw new PipelineException(At(ctx, mn!), $"unknown compare method '{method}'", $"use one of {string.Join(", ", CompareMethods)}");
            double? abs = r.Children.TryGetValue(new YamlScalarNode("abs"), out var a) ? Double(ctx, a, "abs") : null;
            double? rel = r.Children.TryGetValue(new YamlScalarNode("rel"), out var rl) ? Double(ctx, rl, "rel") : null;
            var probe = r.Children.TryGetValue(new YamlScalarNode("probe"), out var pr) ? Scalar(ctx, pr, "probe") : null;
            var score = r.Children.TryGetValue(new YamlScalarNode("score"), out var sc) ? Scalar(ctx, sc, "score") : null;
            Dictionary<string, double>? per = null;
            if (r.Children.TryGetValue(new YamlScalarNode("metrics"), out var pm))
            {
                if (pm is not YamlMappingNode pmm) throw new PipelineException(At(ctx, pm), "'metrics' must map metric names to absolute tolerances", "write {auc: 0.002}");
                per = pmm.Children.ToDictionary(kv => Scalar(ctx, kv.Key, "metric"), kv => Double(ctx, kv.Value, "tolerance"));
            }
            rules.Add(new CompareRule(path, method, abs, rel, probe, per, At(ctx, pathNode), score));
        }
        return rules;
    }

    private static IEnumerable<(string Suffix, Dictionary<string, string> Vars)> Expand(Context ctx, YamlNode items)
    {
        if (items is YamlSequenceNode seq)
        {
            if (seq.Children.Count == 0) throw new PipelineException(At(ctx, seq), "'foreach' is empty", "list at least one value");
            var i = 0;
            foreach (var item in seq.Children)
            {
                var vars = new Dictionary<string, string>();
                if (item is YamlMappingNode im)
                {
                    foreach (var (k, v) in im.Children) vars[$"item.{Scalar(ctx, k, "key")}"] = Scalar(ctx, v, "value");
                    yield return (i.ToString(CultureInfo.InvariantCulture), vars);
                }
                else
                {
                    var value = Scalar(ctx, item, "foreach value");
                    vars["item"] = value;
                    yield return (Regex.Replace(value, "[^A-Za-z0-9_.-]", "_"), vars);
                }
                i++;
            }
            yield break;
        }
        if (items is YamlMappingNode map)
        {
            foreach (var (k, v) in map.Children)
            {
                var key = Scalar(ctx, k, "foreach key");
                var vars = new Dictionary<string, string> { ["key"] = key };
                if (v is YamlMappingNode vm) foreach (var (ik, iv) in vm.Children) vars[$"item.{Scalar(ctx, ik, "key")}"] = Scalar(ctx, iv, "value");
                else vars["item"] = Scalar(ctx, v, "value");
                yield return (key, vars);
            }
            yield break;
        }
        throw new PipelineException(At(ctx, items), "'foreach' must be a list or a mapping", "write foreach: [a, b] or foreach: {a: ..., b: ...}");
    }

    private static IEnumerable<YamlNode> List(Context ctx, YamlMappingNode stage, string key)
    {
        if (!stage.Children.TryGetValue(new YamlScalarNode(key), out var node)) return [];
        if (node is YamlSequenceNode seq) return seq.Children;
        if (node is YamlScalarNode { Value: null or "" }) return [];
        throw new PipelineException(At(ctx, node), $"'{key}' must be a list", $"write {key}: [a, b] or one '- item' per line");
    }

    private static void CheckKeys(Context ctx, YamlMappingNode node, string[] allowed, string where)
    {
        foreach (var key in node.Children.Keys)
        {
            var k = (key as YamlScalarNode)?.Value ?? "";
            if (!allowed.Contains(k))
            {
                var close = allowed.FirstOrDefault(a => EditDistance.Between(a, k) <= 2);
                var hint = close is null ? $"allowed keys in {where}: {string.Join(", ", allowed)}" : $"did you mean '{close}'?";
                throw new PipelineException(At(ctx, key), $"unknown key '{k}' in {where}", hint);
            }
        }
    }

    internal static string NormalizePath(Context ctx, YamlNode node, string path)
    {
        var p = path.Replace('\\', '/').TrimEnd('/');
        while (p.StartsWith("./", StringComparison.Ordinal)) p = p[2..];
        if (p.Length == 0 || p.StartsWith('/') || p.Split('/').Any(s => s is ".." or "." or ""))
            throw new PipelineException(At(ctx, node), $"'{path}' is not a workspace-relative path", "write paths relative to the workspace root, without '..'");
        if (p == ".keel" || p.StartsWith(".keel/", StringComparison.Ordinal))
            throw new PipelineException(At(ctx, node), $"'{path}' is inside .keel/", "Keel manages .keel/ itself; use another path");
        return p;
    }

    private static string Scalar(Context ctx, YamlNode node, string what)
    {
        if (node is not YamlScalarNode s)
            throw new PipelineException(At(ctx, node), $"{what} must be a single value, not a {(node is YamlSequenceNode ? "list" : "mapping")}", "write a plain value");
        var value = s.Value ?? "";
        return ctx.Vars.Count == 0 ? value : Interpolation().Replace(value, m =>
            ctx.Vars.TryGetValue(m.Groups[1].Value, out var v)
                ? v
                : throw new PipelineException(At(ctx, node), $"unknown variable '${{{m.Groups[1].Value}}}'", $"available: {string.Join(", ", ctx.Vars.Keys.Select(k => "${" + k + "}"))}"));
    }

    /// <summary>
    /// A command, with the values known now (inline vars:, foreach) put in; other <c>${...}</c> are
    /// left for <see cref="CommandInterpolation"/> to fill from params files when the stage runs.
    /// </summary>
    private static string Command(Context ctx, YamlNode node)
    {
        var raw = Scalar(ctx with { Vars = NoVars }, node, "cmd");
        if (ctx.Foreach)
        {
            foreach (Match m in Interpolation().Matches(raw))
            {
                var name = m.Groups[1].Value;
                if ((name is "item" or "key" || name.StartsWith("item.", StringComparison.Ordinal)) && !ctx.Vars.ContainsKey(name))
                    throw new PipelineException(At(ctx, node), $"unknown variable '${{{name}}}'", $"available: {string.Join(", ", ctx.Vars.Keys.Select(k => "${" + k + "}"))}");
            }
        }
        return CommandInterpolation.Fill(raw, ctx.Vars);
    }

    /// <summary>
    /// <c>vars:</c> as DVC has it: a mapping, or a list of mappings and YAML files. Mappings are
    /// flattened to dotted keys now; files are read when a stage runs (they may change between runs).
    /// </summary>
    private static Dictionary<string, string> ParseVars(Context ctx, YamlNode node, List<string> files)
    {
        var vars = new Dictionary<string, string>(StringComparer.Ordinal);
        void Inline(YamlMappingNode m)
        {
            foreach (var (k, _) in m.Children)
            {
                if (k is not YamlScalarNode { Value.Length: > 0 })
                    throw new PipelineException(At(ctx, k), "a vars: key must be a plain name", "write e.g. vars: [{train: {trees: 100}}]");
            }
            ParamsReader.Flatten(m, "", vars);
        }
        switch (node)
        {
            case YamlMappingNode m:
                Inline(m);
                break;
            case YamlSequenceNode seq:
                foreach (var item in seq.Children)
                {
                    if (item is YamlMappingNode im) Inline(im);
                    else files.Add(NormalizePath(ctx, item, Scalar(ctx, item, "vars file")));
                }
                break;
            case YamlScalarNode { Value: null or "" }:
                break;
            default:
                throw new PipelineException(At(ctx, node), "'vars' must be a mapping or a list of mappings and params files", "write vars: [{trees: 100}, params.yaml]");
        }
        return vars;
    }

    private static int Int(Context ctx, YamlNode node, string what) =>
        int.TryParse(Scalar(ctx, node, what), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)
            ? v
            : throw new PipelineException(At(ctx, node), $"{what} must be an integer, got '{Scalar(ctx, node, what)}'", $"write e.g. {what}: 42");

    private static double Double(Context ctx, YamlNode node, string what) =>
        double.TryParse(Scalar(ctx, node, what), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= 0
            ? v
            : throw new PipelineException(At(ctx, node), $"{what} must be a non-negative number, got '{Scalar(ctx, node, what)}'", $"write e.g. {what}: 1e-5");

    private static bool Bool(Context ctx, YamlNode node, string what) => Scalar(ctx, node, what) switch
    {
        "true" or "yes" => true,
        "false" or "no" => false,
        var v => throw new PipelineException(At(ctx, node), $"{what} must be true or false, got '{v}'", $"write {what}: false"),
    };

    private static long Memory(Context ctx, YamlNode node)
    {
        var text = Scalar(ctx, node, "memory");
        var m = MemoryPattern().Match(text);
        if (!m.Success) throw new PipelineException(At(ctx, node), $"memory '{text}' is not a size", "write e.g. memory: 512M or 4G");
        var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        var unit = m.Groups[2].Value.ToUpperInvariant();
        var mult = unit switch { "K" => 1L << 10, "M" => 1L << 20, "G" => 1L << 30, "T" => 1L << 40, _ => 1L };
        return (long)(n * mult);
    }

    private static SourceSpan At(Context ctx, YamlNode node) => new(ctx.File, node.Start.Line, node.Start.Column);


    private static readonly Dictionary<string, string> NoVars = new(StringComparer.Ordinal);

    internal sealed record Context(string File, Dictionary<string, string> Vars)
    {
        /// <summary>Inside a foreach body, where ${item} and ${key} must be defined.</summary>
        public bool Foreach { get; init; }
    }

    [GeneratedRegex(@"\$\{([A-Za-z0-9_.]+)\}")]
    private static partial Regex Interpolation();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,100}$")]
    private static partial Regex StageName();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*@([0-9]+|latest)$")]
    private static partial Regex DatasetDep();

    [GeneratedRegex("^([0-9]+(?:\\.[0-9]+)?)\\s*([KMGTkmgt]?)i?[Bb]?$")]
    private static partial Regex MemoryPattern();
}
