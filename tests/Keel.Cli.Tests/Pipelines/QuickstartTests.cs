using System.Text.Json;

namespace Keel.Cli.Tests.Pipelines;

[Collection(QuickstartCollection.Name)]
public sealed class QuickstartTests(QuickstartFixture fixture)
{
    private static readonly string[] Stages = ["build", "ingest", "validate", "featurize", "train", "evaluate"];

    [Fact]
    public void Quickstart_RunsEveryStageOfTheChurnPipeline()
    {
        PipelineCli.Check(fixture.Result);

        foreach (var stage in Stages)
            Assert.Matches($"(?m)^   {stage} +ran ", fixture.Result.Stdout);
        Assert.Contains("6 of 6 stages skipped", fixture.Result.Stdout);
        Assert.True(File.Exists(fixture.Cli.PathOf("models/churn.zip")));
    }

    [Fact]
    public void Quickstart_ChurnModel_ReachesTheMeasuredAucFloor()
    {
        PipelineCli.Check(fixture.Result);

        using var metrics = JsonDocument.Parse(fixture.Cli.Read("metrics/eval.json"));

        // Measured 0.826 on the generated data (20,000 rows, seed 7, FastTree); 0.80 leaves room for trainer changes.
        Assert.InRange(metrics.RootElement.GetProperty("auc").GetDouble(), 0.80, 1.0);
    }

    [Fact]
    public void Quickstart_SecondRun_SkipsEveryStage()
    {
        PipelineCli.Check(fixture.Result);

        var states = fixture.Cli.States();

        Assert.Equal(Stages, states.Keys);
        Assert.All(states.Values, s => Assert.Equal("skipped", s));
    }
}
