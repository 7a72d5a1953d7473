using System.Text.Json;
using Keel.Monitoring.Statistics;

namespace Keel.Core.Tests.Monitoring.Statistics;

public sealed class WassersteinTests
{
    public static TheoryData<string> Cases => Fixtures.Names("wasserstein");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compare_SciPyFixture_MatchesWassersteinDistance(string name)
    {
        JsonElement c = Fixtures.Case("wasserstein", name);

        WassersteinResult result = Wasserstein.Compare(c.Doubles("reference"), c.Doubles("current"));

        Close.Equal(c.Double("distance"), result.Distance, Close.StatisticTolerance, 1e-15, "distance");
        Close.Equal(c.Double("reference_std"), result.ReferenceStandardDeviation, Close.StatisticTolerance, 1e-15, "std");
        if (c.GetProperty("normalized").ValueKind == JsonValueKind.Number)
        {
            Close.Equal(c.Double("normalized"), result.NormalizedDistance, Close.StatisticTolerance, 1e-15, "normalized");
        }
    }

    [Fact]
    public void Compare_BothConstantAndEqual_IsZero()
    {
        WassersteinResult result = Wasserstein.Compare([2.0, 2.0, 2.0], [2.0, 2.0]);

        Assert.Equal(0.0, result.Distance);
        Assert.Equal(0.0, result.NormalizedDistance);
    }

    [Fact]
    public void Compare_ConstantReferenceDifferentCurrent_NormalisesByPooledSpread()
    {
        // Reference all 0 (std 0), current all 1: W = 1; pooled sample {0,0,1,1} has std 0.5.
        WassersteinResult result = Wasserstein.Compare([0.0, 0.0], [1.0, 1.0]);

        Assert.Equal(1.0, result.Distance, 15);
        Assert.Equal(2.0, result.NormalizedDistance, 15);
    }

    [Fact]
    public void Compare_NonFiniteValues_ExcludedAndCounted()
    {
        WassersteinResult result = Wasserstein.Compare([double.NaN, 0.0, 1.0, double.PositiveInfinity], [double.NegativeInfinity, 0.5]);

        Assert.Equal(3, result.Excluded);
        Assert.Equal(0.5, result.Distance, 15);
    }

    [Fact]
    public void Compare_EmptySample_FlagsInsufficient()
    {
        WassersteinResult result = Wasserstein.Compare([1.0], [double.NaN]);

        Assert.False(result.IsSufficient);
        Assert.Equal(0.0, result.NormalizedDistance);
    }
}
