using Keel.Tracking.Execution;

namespace Keel.Core.Tests.Tracking;

public sealed class MetricsFileTests
{
    [Fact]
    public void Parse_SingleObject_LogsEachPairAtStepZero()
    {
        var points = MetricsFile.Parse("{\"auc\": 0.91, \"loss\": \"NaN\"}", DateTimeOffset.UnixEpoch);
        Assert.Equal(["auc", "loss"], points.Select(p => p.Key));
        Assert.Equal(0.91, points[0].Value);
        Assert.True(double.IsNaN(points[1].Value));
        Assert.All(points, p => Assert.Equal(0, p.Step));
    }

    [Fact]
    public void Parse_JsonLines_ReadsKeyValueStepAndPairsWithStep()
    {
        var points = MetricsFile.Parse("{\"key\":\"loss\",\"value\":0.5,\"step\":1}\n{\"loss\":0.25,\"step\":2}\n\n", DateTimeOffset.UnixEpoch);
        Assert.Equal([1L, 2], points.Select(p => p.Step));
        Assert.Equal([0.5, 0.25], points.Select(p => p.Value));
    }

    [Fact]
    public void Parse_BadLine_NamesTheLine()
    {
        var e = Assert.Throws<KeelException>(() => MetricsFile.Parse("{\"a\":1}\n{oops", DateTimeOffset.UnixEpoch));
        Assert.Contains("line 2", e.Message, StringComparison.Ordinal);
    }
}
