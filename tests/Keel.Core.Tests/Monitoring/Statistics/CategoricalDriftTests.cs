using Keel.Monitoring.Statistics;

namespace Keel.Core.Tests.Monitoring.Statistics;

public sealed class CategoricalDriftTests
{
    [Fact]
    public void Compare_NewCategoryInCurrent_GoesToUnseenBucketAndStaysFinite()
    {
        var reference = new Dictionary<string, long> { ["a"] = 500, ["b"] = 500 };
        var current = new Dictionary<string, long> { ["a"] = 400, ["b"] = 400, ["new1"] = 150, ["new2"] = 50 };

        CategoricalDriftResult result = CategoricalDrift.Compare(reference, current);

        Assert.Equal(["a", "b", CategoricalDrift.UnseenBucket], result.Buckets);
        Assert.Equal(200, result.UnseenCurrentCount);
        Assert.True(double.IsFinite(result.ChiSquare.Statistic));
        Assert.True(result.ChiSquare.PValue < 1e-10);
        Assert.InRange(result.JensenShannonDistance, 0.2, 1.0);
    }

    [Fact]
    public void Compare_RareLevels_MergedIntoOther()
    {
        // Expected counts of c and d are min(R,C)·total/N = 100·3/200 = 1.5 < 5: both go to 'other',
        // which is still rare (3 in total), so the smallest kept column (b) joins it.
        var reference = new Dictionary<string, long> { ["a"] = 60, ["b"] = 38, ["c"] = 1, ["d"] = 1 };
        var current = new Dictionary<string, long> { ["a"] = 55, ["b"] = 41, ["c"] = 2, ["d"] = 2 };

        CategoricalDriftResult result = CategoricalDrift.Compare(reference, current);

        Assert.Equal(["a", CategoricalDrift.OtherBucket], result.Buckets);
        ChiSquareResult direct = ChiSquareTest.Homogeneity([60, 40], [55, 45]);
        Assert.Equal(direct.Statistic, result.ChiSquare.Statistic, 12);
        Assert.Equal(1, result.ChiSquare.DegreesOfFreedom);
    }

    [Fact]
    public void Compare_IdenticalDistributions_NoDriftSignal()
    {
        var counts = new Dictionary<string, long> { ["x"] = 100, ["y"] = 200, ["z"] = 300 };

        CategoricalDriftResult result = CategoricalDrift.Compare(counts, counts);

        Assert.Equal(0.0, result.ChiSquare.Statistic, 12);
        Assert.Equal(1.0, result.ChiSquare.PValue, 12);
        Assert.Equal(0.0, result.JensenShannonDistance, 7);
        Assert.Equal(0.0, result.ChiSquare.CramersV, 7);
    }

    [Fact]
    public void Compare_ConstantColumnBothSides_NeutralNotNaN()
    {
        var counts = new Dictionary<string, long> { ["only"] = 1000 };

        CategoricalDriftResult result = CategoricalDrift.Compare(counts, new Dictionary<string, long> { ["only"] = 10 });

        Assert.Equal((0.0, 1.0, 0.0), (result.ChiSquare.Statistic, result.ChiSquare.PValue, result.JensenShannonDistance));
    }

    [Fact]
    public void Compare_EmptyCurrent_FlagsInsufficient()
    {
        CategoricalDriftResult result = CategoricalDrift.Compare(new Dictionary<string, long> { ["a"] = 3 }, new Dictionary<string, long>());

        Assert.False(result.IsSufficient);
        Assert.Equal(1.0, result.ChiSquare.PValue);
        Assert.Equal(0.0, result.JensenShannonDistance);
    }
}
