using System.Text.Json;
using Keel.Monitoring.Statistics;

namespace Keel.Core.Tests.Monitoring.Statistics;

public sealed class JensenShannonTests
{
    public static TheoryData<int> Cases => Fixtures.Indices("js");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Distance_SciPyFixture_MatchesJensenShannonBase2(int index)
    {
        JsonElement c = Fixtures.Case("js", index);

        double distance = JensenShannon.Distance(c.Doubles("p"), c.Doubles("q"));

        Close.Equal(c.Double("distance"), distance, Close.StatisticTolerance, 1e-15, "js");
    }

    [Fact]
    public void Distance_NoMass_IsZeroNotNaN()
    {
        Assert.Equal(0.0, JensenShannon.Distance([0.0, 0.0], [1.0, 2.0]));
    }
}
