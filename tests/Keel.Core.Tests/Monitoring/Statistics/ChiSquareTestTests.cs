using System.Text.Json;
using Keel.Monitoring.Statistics;

namespace Keel.Core.Tests.Monitoring.Statistics;

public sealed class ChiSquareTestTests
{
    public static TheoryData<string> Cases => Fixtures.Names("chi2");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Homogeneity_SciPyFixture_MatchesChi2Contingency(string name)
    {
        JsonElement c = Fixtures.Case("chi2", name);

        ChiSquareResult result = ChiSquareTest.Homogeneity(c.Longs("reference"), c.Longs("current"), c.GetProperty("correction").GetBoolean());

        Close.Equal(c.Double("statistic"), result.Statistic, Close.StatisticTolerance, 1e-15, "chi2");
        Close.Equal(c.Double("pvalue"), result.PValue, Close.PValueTolerance, what: "p");
        Assert.Equal(c.GetProperty("dof").GetInt32(), result.DegreesOfFreedom);
        Close.Equal(c.Double("cramers_v"), result.CramersV, Close.StatisticTolerance, 1e-15, "V");
    }

    [Fact]
    public void Homogeneity_AllZeroColumn_DroppedFromDegreesOfFreedom()
    {
        ChiSquareResult with = ChiSquareTest.Homogeneity([10, 0, 20], [15, 0, 5]);
        ChiSquareResult without = ChiSquareTest.Homogeneity([10, 20], [15, 5]);

        Assert.Equal(without, with);
    }

    [Fact]
    public void Homogeneity_EmptyRowOrSingleColumn_NeutralResult()
    {
        ChiSquareResult empty = ChiSquareTest.Homogeneity([0, 0], [3, 4]);
        ChiSquareResult single = ChiSquareTest.Homogeneity([5, 0], [7, 0]);

        Assert.False(empty.IsSufficient);
        Assert.Equal(1.0, empty.PValue);
        Assert.True(single.IsSufficient);
        Assert.Equal((0.0, 1.0, 0), (single.Statistic, single.PValue, single.DegreesOfFreedom));
    }

    [Fact]
    public void Homogeneity_MismatchedLengths_Throws()
    {
        Assert.Throws<ArgumentException>(() => ChiSquareTest.Homogeneity([1, 2], [1]));
    }
}
