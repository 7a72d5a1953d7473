using Keel.Monitoring;
using Keel.Pipelines;

namespace Keel.Core.Tests.Monitoring.Profiles;

public sealed class MonitorPolicyParserTests
{
    private const string Stages = "stages:\n  train:\n    cmd: echo hi\n";

    [Fact]
    public void Parse_MonitorSection_ReadsEveryField()
    {
        var p = PipelineParser.Parse(Stages + """
            monitor:
              window: 1h
              fdr: 0.01
              persistence: {alerts: 3, of: 4}
              cooldown: 5
              thresholds: {wasserstein: 0.2, js: 0.15}
              features:
                age: {effect: psi, threshold: 0.3}
                customer_id: {ignore: true}
              performance: {metric: auc, floor: 0.7}
              alerts: {webhook: http://127.0.0.1:9000/a, prometheus: reports/m.prom}
              on_drift: {snapshot: production, run: [train], register: train}
              on_performance: rollback
            """, "keel.yaml").Monitor!;

        Assert.Equal("1h", p.Window);
        Assert.Equal(0.01, p.Options.FalseDiscoveryRate);
        Assert.Equal((3, 4, 5), (p.Alerts.Alerts, p.Alerts.Of, p.Alerts.CooldownWindows));
        Assert.Equal(0.2, p.Options.WassersteinThreshold);
        Assert.Equal(new FeatureRule { Effect = "psi", Threshold = 0.3 }, p.Options.Features["age"]);
        Assert.True(p.Options.Features["customer_id"].Ignore);
        Assert.Equal(new PerformanceFloor("auc", 0.7), p.Options.Floor);
        Assert.Equal(new RetrainAction("production", "data/production", ["train"]).Stages, p.OnDrift!.Stages);
        Assert.Equal("train", p.OnDrift.Register);
        Assert.True(p.RollbackOnPerformance);
    }

    [Fact]
    public void Parse_MinimumSamples_ReadsMinRowsAndMinValues()
    {
        var p = PipelineParser.Parse(Stages + "monitor:\n  min_rows: 500\n  min_values: 50\n", "keel.yaml").Monitor!;

        Assert.Equal((500, 50), (p.Options.MinWindowRows, p.Options.MinFeatureValues));
    }

    [Theory]
    [InlineData("monitor:\n  windw: 1h\n", "keel.yaml:5:3", "unknown key 'windw'")]
    [InlineData("monitor:\n  fdr: 2\n", "keel.yaml:5:8", "fdr must be between 0 and 1")]
    [InlineData("monitor:\n  features: {age: {effect: kl}}\n", "keel.yaml:5:28", "unknown effect 'kl'")]
    [InlineData("monitor:\n  on_drift: {snapshot: prod, run: [deploy]}\n", "keel.yaml:5:3", "runs stage 'deploy'")]
    [InlineData("monitor:\n  on_performance: rollback\n", "keel.yaml:5:3", "needs a performance floor")]
    [InlineData("monitor:\n  on_drift: {snapshot: prod, register: fit}\n", "keel.yaml:5:3", "registers the model of stage 'fit'")]
    [InlineData("monitor:\n  min_rows: -1\n", "keel.yaml:5:13", "min_rows must be 0 or more, got -1")]
    [InlineData("monitor:\n  min_values: -5\n", "keel.yaml:5:15", "min_values must be 0 or more, got -5")]
    public void Parse_BadMonitorSection_FileLineColumn(string yaml, string at, string message)
    {
        var e = Assert.Throws<PipelineException>(() => PipelineParser.Parse(Stages + yaml, "keel.yaml"));
        Assert.Contains(at, e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }
}
