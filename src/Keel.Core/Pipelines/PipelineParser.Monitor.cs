using Keel.Monitoring;
using YamlDotNet.RepresentationModel;

namespace Keel.Pipelines;

/// <summary>The <c>monitor:</c> section of keel.yaml (docs/monitoring.md, "Policy").</summary>
public static partial class PipelineParser
{
    private static readonly string[] MonitorKeys = ["window", "fdr", "min_rows", "min_values", "persistence", "cooldown", "thresholds", "features", "performance", "alerts", "on_drift", "on_performance"];
    private static readonly string[] ThresholdKeys = ["wasserstein", "psi", "js", "cramers_v", "score"];
    private static readonly string[] FeatureKeys = ["ignore", "effect", "threshold"];
    private static readonly string[] Effects = ["wasserstein", "psi", "js", "cramers_v"];

    private static int Count(Context ctx, YamlNode node, string what)
    {
        int n = Int(ctx, node, what);
        return n >= 0 ? n : throw new PipelineException(At(ctx, node), $"{what} must be 0 or more, got {n}", $"write e.g. {what}: 100");
    }

    private static MonitorPolicy ParseMonitor(Context ctx, YamlNode node)
    {
        if (node is not YamlMappingNode m) throw new PipelineException(At(ctx, node), "'monitor' must be a mapping", "write e.g. monitor: {window: 10000rows}");
        CheckKeys(ctx, m, MonitorKeys, "'monitor'");
        var options = new MonitorOptions();
        var alerts = new AlertPolicy();
        var policy = new MonitorPolicy();
        foreach (var (k, v) in m.Children)
        {
            var key = ((YamlScalarNode)k).Value;
            switch (key)
            {
                case "window":
                    var w = Scalar(ctx, v, "window");
                    try { WindowSpec.Parse(w); }
                    catch (KeelException e) { throw new PipelineException(At(ctx, v), e.Message, "write e.g. window: 10000rows or window: 1h"); }
                    policy = policy with { Window = w };
                    break;
                case "fdr":
                    var q = Double(ctx, v, "fdr");
                    if (q is <= 0 or >= 1) throw new PipelineException(At(ctx, v), $"fdr must be between 0 and 1, got {q}", "write e.g. fdr: 0.05");
                    options = options with { FalseDiscoveryRate = q };
                    break;
                case "min_rows": options = options with { MinWindowRows = Count(ctx, v, "min_rows") }; break;
                case "min_values": options = options with { MinFeatureValues = Count(ctx, v, "min_values") }; break;
                case "cooldown": alerts = alerts with { CooldownWindows = Int(ctx, v, "cooldown") }; break;
                case "persistence": alerts = Persistence(ctx, v, alerts); break;
                case "thresholds": options = Thresholds(ctx, v, options); break;
                case "features": options = options with { Features = FeatureRules(ctx, v) }; break;
                case "performance": options = options with { Floor = Floor(ctx, v) }; break;
                case "alerts":
                    if (v is not YamlMappingNode a) throw new PipelineException(At(ctx, v), "'alerts' must be a mapping", "write {webhook: URL, prometheus: FILE}");
                    CheckKeys(ctx, a, ["webhook", "prometheus"], "'monitor.alerts'");
                    foreach (var (ak, av) in a.Children)
                    {
                        if (((YamlScalarNode)ak).Value == "webhook")
                        {
                            var url = Scalar(ctx, av, "webhook");
                            if (!Uri.TryCreate(url, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https"))
                                throw new PipelineException(At(ctx, av), $"webhook '{url}' is not an http(s) URL", "write e.g. webhook: http://127.0.0.1:9000/alerts");
                            policy = policy with { Webhook = url };
                        }
                        else policy = policy with { PrometheusFile = NormalizePath(ctx, av, Scalar(ctx, av, "prometheus")) };
                    }
                    break;
                case "on_drift": policy = policy with { OnDrift = Retrain(ctx, v) }; break;
                default:
                    var action = Scalar(ctx, v, "on_performance");
                    if (action != "rollback") throw new PipelineException(At(ctx, v), $"unknown on_performance action '{action}'", "write on_performance: rollback");
                    policy = policy with { RollbackOnPerformance = true };
                    break;
            }
        }
        if (alerts.Alerts > alerts.Of) throw new PipelineException(At(ctx, m), $"persistence needs alerts <= of, got {alerts.Alerts} of {alerts.Of}", "write e.g. persistence: {alerts: 2, of: 3}");
        if (policy.RollbackOnPerformance && options.Floor is null)
            throw new PipelineException(At(ctx, m), "on_performance: rollback needs a performance floor", "add performance: {metric: auc, floor: 0.7}");
        return policy with { Options = options, Alerts = alerts };
    }

    private static AlertPolicy Persistence(Context ctx, YamlNode node, AlertPolicy alerts)
    {
        if (node is not YamlMappingNode m) throw new PipelineException(At(ctx, node), "'persistence' must be a mapping", "write persistence: {alerts: 2, of: 3}");
        CheckKeys(ctx, m, ["alerts", "of"], "'monitor.persistence'");
        foreach (var (k, v) in m.Children)
        {
            var n = Int(ctx, v, ((YamlScalarNode)k).Value!);
            if (n < 1) throw new PipelineException(At(ctx, v), $"{((YamlScalarNode)k).Value} must be at least 1", "write e.g. persistence: {alerts: 2, of: 3}");
            alerts = ((YamlScalarNode)k).Value == "alerts" ? alerts with { Alerts = n } : alerts with { Of = n };
        }
        return alerts;
    }

    private static MonitorOptions Thresholds(Context ctx, YamlNode node, MonitorOptions o)
    {
        if (node is not YamlMappingNode m) throw new PipelineException(At(ctx, node), "'thresholds' must be a mapping", "write thresholds: {wasserstein: 0.1, js: 0.1}");
        CheckKeys(ctx, m, ThresholdKeys, "'monitor.thresholds'");
        foreach (var (k, v) in m.Children)
        {
            var name = ((YamlScalarNode)k).Value!;
            var x = Double(ctx, v, name);
            o = name switch
            {
                "wasserstein" => o with { WassersteinThreshold = x },
                "psi" => o with { PsiThreshold = x },
                "js" => o with { JensenShannonThreshold = x },
                "cramers_v" => o with { CramersVThreshold = x },
                _ => o with { ScoreThreshold = x },
            };
        }
        return o;
    }

    private static Dictionary<string, FeatureRule> FeatureRules(Context ctx, YamlNode node)
    {
        if (node is not YamlMappingNode m) throw new PipelineException(At(ctx, node), "'features' must map feature names to rules", "write features: {age: {threshold: 0.2}}");
        var rules = new Dictionary<string, FeatureRule>(StringComparer.Ordinal);
        foreach (var (k, v) in m.Children)
        {
            var name = Scalar(ctx, k, "feature name");
            if (v is not YamlMappingNode r) throw new PipelineException(At(ctx, v), $"the rule for '{name}' must be a mapping", "write {threshold: 0.2} or {ignore: true}");
            CheckKeys(ctx, r, FeatureKeys, $"feature '{name}'");
            var rule = new FeatureRule();
            foreach (var (rk, rv) in r.Children)
            {
                switch (((YamlScalarNode)rk).Value)
                {
                    case "ignore": rule = rule with { Ignore = Bool(ctx, rv, "ignore") }; break;
                    case "threshold": rule = rule with { Threshold = Double(ctx, rv, "threshold") }; break;
                    default:
                        var effect = Scalar(ctx, rv, "effect");
                        if (!Effects.Contains(effect)) throw new PipelineException(At(ctx, rv), $"unknown effect '{effect}'", $"use one of {string.Join(", ", Effects)}");
                        rule = rule with { Effect = effect };
                        break;
                }
            }
            rules[name] = rule;
        }
        return rules;
    }

    private static PerformanceFloor Floor(Context ctx, YamlNode node)
    {
        if (node is not YamlMappingNode m) throw new PipelineException(At(ctx, node), "'performance' must be a mapping", "write performance: {metric: auc, floor: 0.7}");
        CheckKeys(ctx, m, ["metric", "floor"], "'monitor.performance'");
        if (!m.Children.TryGetValue(new YamlScalarNode("metric"), out var mn) || !m.Children.TryGetValue(new YamlScalarNode("floor"), out var fv))
            throw new PipelineException(At(ctx, m), "'performance' needs both 'metric' and 'floor'", "write performance: {metric: auc, floor: 0.7}");
        var metric = Scalar(ctx, mn, "metric");
        if (!PerformanceFloor.Metrics.Contains(metric)) throw new PipelineException(At(ctx, mn), $"unknown metric '{metric}'", $"use one of {string.Join(", ", PerformanceFloor.Metrics)}");
        return new PerformanceFloor(metric, Double(ctx, fv, "floor"));
    }

    private static RetrainAction Retrain(Context ctx, YamlNode node)
    {
        if (node is not YamlMappingNode m) throw new PipelineException(At(ctx, node), "'on_drift' must be a mapping", "write on_drift: {snapshot: production, path: data/production, run: [train]}");
        CheckKeys(ctx, m, ["snapshot", "path", "run", "register"], "'monitor.on_drift'");
        if (!m.Children.TryGetValue(new YamlScalarNode("snapshot"), out var ds))
            throw new PipelineException(At(ctx, m), "'on_drift' needs 'snapshot' (the dataset name for production data)", "write on_drift: {snapshot: production}");
        var dataset = Scalar(ctx, ds, "snapshot");
        if (!StageName().IsMatch(dataset)) throw new PipelineException(At(ctx, ds), $"'{dataset}' is not a valid dataset name", "use letters, digits, '_' or '-'");
        var path = m.Children.TryGetValue(new YamlScalarNode("path"), out var p) ? NormalizePath(ctx, p, Scalar(ctx, p, "path")) : $"data/{dataset}";
        var stages = List(ctx, m, "run").Select(s => Scalar(ctx, s, "stage")).ToList();
        var register = m.Children.TryGetValue(new YamlScalarNode("register"), out var r) ? Scalar(ctx, r, "register") : null;
        if (register is not null && !StageName().IsMatch(register.Split(':')[0]))
            throw new PipelineException(At(ctx, r!), $"'{register}' is not a stage name", "write register: train (the stage whose model output is registered and sent through the gate)");
        return new RetrainAction(dataset, path, stages, register);
    }
}
