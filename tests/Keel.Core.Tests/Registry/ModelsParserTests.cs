using Keel.Pipelines;
using Keel.Registry;

namespace Keel.Core.Tests.Registry;

public sealed class ModelsParserTests
{
    [Fact]
    public void Parse_FullEntry_ReadsCardAndTests()
    {
        var models = ModelsParser.Parse("""
            stages: {}
            models:
              churn:
                owner: team
                label: churned
                holdout: holdout@2
                tests:
                  - {type: metric, metric: auc, min: 0.8}
                  - {name: calls, type: directional, field: support_calls, delta: 5, expect: increase}
            """, "keel.yaml");

        var churn = models["churn"];
        Assert.Equal("team", churn.Owner);
        Assert.Equal("holdout@2", churn.Holdout);
        Assert.Equal(["metric-1", "calls"], churn.Tests.Select(t => t.Name));
        Assert.Equal(0.8, churn.Tests[0].Min);
    }

    [Theory]
    [InlineData("      - {type: metrik}", "keel.yaml:5:16: unknown test type 'metrik'")]
    [InlineData("      - {type: metric, metric: auc}", "keel.yaml:5:9: a metric test needs 'metric' and 'min'")]
    [InlineData("      - {type: metric, metric: auc, min: high}", "keel.yaml:5:42: min must be a number")]
    [InlineData("      - {type: slice, by: x, metric: gini, min: 1}", "keel.yaml:5:38: unknown metric 'gini'")]
    public void Parse_Mistake_NamesFileLineAndColumn(string testLine, string expected)
    {
        var text = "stages: {}\nmodels:\n  churn:\n    tests:\n" + testLine + "\n";

        var e = Assert.Throws<PipelineException>(() => ModelsParser.Parse(text, "keel.yaml"));

        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PipelineParser_AcceptsAModelsSection()
    {
        var pipeline = PipelineParser.Parse("stages:\n  a:\n    cmd: 'true'\nmodels:\n  m: {tests: []}\n", "keel.yaml");

        Assert.Single(pipeline.Stages);
    }
}
