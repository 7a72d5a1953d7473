using Keel.Tracking;
using Keel.Tracking.Filters;

namespace Keel.Core.Tests.Tracking;

public sealed class RunQueryTests : IDisposable
{
    private readonly TrackingStoreFixture _f = new();
    private readonly CancellationToken _ct = CancellationToken.None;

    private async Task<Run> RunWith(string name, string trainer, double auc, string? experiment = null)
    {
        var run = await _f.NewRunAsync(name, experiment);
        await _f.Store.Runs.LogAsync(run.Id, RunBatch.Empty with
        {
            Params = [new("trainer", trainer), new("trees", name.Length.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            // An old high value in the history must not match: filters read the latest value.
            Metrics = [TrackingStoreFixture.Point("auc", 0.99, 0), TrackingStoreFixture.Point("auc", auc, 10)],
        }, _ct);
        return run;
    }

    private async Task<List<string>> Names(string filter, string sort = "name")
    {
        var runs = await _f.Store.Runs.QueryAsync(new RunQuery(null, FilterParser.Parse(filter), RunSort.Parse(sort), 100), _ct);
        return runs.Select(r => r.Name).ToList();
    }

    [Fact]
    public async Task Filter_MetricAndParam_MatchesOnLatestValues()
    {
        await RunWith("a", "lightgbm", 0.95);
        await RunWith("b", "lightgbm", 0.80);
        await RunWith("c", "fasttree", 0.97);
        Assert.Equal(["a"], await Names("metrics.auc > 0.9 and params.trainer = 'lightgbm'"));
        Assert.Equal(["a", "c"], await Names("metrics.auc > 0.9"));
        Assert.Equal(["a", "b", "c"], await Names("(metrics.auc > 0.9 or params.trainer = 'lightgbm') and status = 'running'"));
        Assert.Equal(["b", "c"], await Names("not (metrics.auc > 0.9 and params.trainer = 'lightgbm')"));
    }

    [Fact]
    public async Task Filter_NumericParam_ComparesAsNumber()
    {
        await RunWith("a", "x", 0.5);
        await RunWith("bbbbbbbbbbbb", "x", 0.5);
        Assert.Equal(["bbbbbbbbbbbb"], await Names("params.trees > 9"));
    }

    [Fact]
    public async Task Sort_ByMetricDescending_PutsMissingLast()
    {
        await RunWith("a", "x", 0.5);
        await RunWith("b", "x", 0.7);
        await _f.NewRunAsync("none");
        var runs = await _f.Store.Runs.QueryAsync(new RunQuery(null, null, RunSort.Parse("-metrics.auc"), 100), _ct);
        Assert.Equal(["b", "a", "none"], runs.Select(r => r.Name));
    }

    [Fact]
    public async Task Query_Experiment_AndLimit()
    {
        await RunWith("a", "x", 0.5, "exp1");
        await RunWith("b", "x", 0.5, "exp2");
        await RunWith("c", "x", 0.5, "exp1");
        var runs = await _f.Store.Runs.QueryAsync(new RunQuery("exp1", null, RunSort.Parse("name"), 1), _ct);
        Assert.Equal(["a"], runs.Select(r => r.Name));
    }

    [Fact]
    public async Task Filter_NaNMetric_MatchesNoComparison()
    {
        var run = await _f.NewRunAsync("nan");
        await _f.Store.Runs.LogAsync(run.Id, RunBatch.OfMetrics([TrackingStoreFixture.Point("auc", double.NaN)]), _ct);
        Assert.Empty(await Names("metrics.auc > 0 or metrics.auc <= 0"));
    }

    public void Dispose() => _f.Dispose();
}
