using System.Text.Json;
using Keel.Monitoring.Statistics;

namespace Keel.Core.Tests.Monitoring.Statistics;

public sealed class BenjaminiHochbergTests
{
    public static TheoryData<int> Cases => Fixtures.Indices("bh");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Adjust_Fixture_MatchesPAdjustBH(int index)
    {
        JsonElement c = Fixtures.Case("bh", index);
        double[] expected = c.Doubles("adjusted");

        double[] adjusted = BenjaminiHochberg.Adjust(c.Doubles("p"));

        Assert.Equal(expected.Length, adjusted.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Close.Equal(expected[i], adjusted[i], 1e-12, 1e-300, $"p[{i}]");
        }
    }

    [Fact]
    public void Adjust_NaN_TreatedAsOne()
    {
        double[] adjusted = BenjaminiHochberg.Adjust([double.NaN, 0.01]);

        Assert.Equal([1.0, 0.02], adjusted);
    }

    [Fact]
    public void Adjust_Empty_Empty()
    {
        Assert.Empty(BenjaminiHochberg.Adjust([]));
    }
}
