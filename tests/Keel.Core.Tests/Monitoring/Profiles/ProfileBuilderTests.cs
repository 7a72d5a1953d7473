using Keel.Monitoring.Profiles;
using Keel.Registry;

namespace Keel.Core.Tests.Monitoring.Profiles;

public sealed class ProfileBuilderTests
{
    [Fact]
    public void Build_NumbersAndCategories_ProfilesEach()
    {
        var table = new CsvTable(["x", "c"], [["3", "a"], ["1", "b"], ["", "a"], ["2", ""]]);
        var fields = SignatureCapture.Capture([("x", FieldType.Number), ("c", FieldType.Text)], ["Score"], table).Inputs;

        var profile = ProfileBuilder.Build(table, fields);

        var x = profile.Features[0];
        Assert.Equal([1.0, 2.0, 3.0], x.SortedValues);
        Assert.Equal((1.0, 3.0, 0.25), (x.Min!.Value, x.Max!.Value, x.MissingRate));
        var c = profile.Features[1];
        Assert.Equal(2, c.Categories!["a"]);
        Assert.True(fields[0].AllowsMissing);
        Assert.Equal(["a", "b"], fields[1].Categories);
    }

    [Fact]
    public void Quantiles_InterpolateBetweenOrderStatistics()
    {
        var q = ProfileBuilder.Quantiles([0.0, 10.0], 4);

        Assert.Equal([0.0, 2.5, 5.0, 7.5, 10.0], q);
    }

    [Fact]
    public void Build_ManyValues_KeepsQuantilesNotValues()
    {
        var rows = Enumerable.Range(0, ProfileBuilder.ExactLimit + 1).Select(i => new[] { i.ToString(System.Globalization.CultureInfo.InvariantCulture) }).ToList();
        var table = new CsvTable(["x"], rows);

        var f = ProfileBuilder.Build(table, [new SignatureField("x", FieldType.Number, false, null, null, null)]).Features[0];

        Assert.Null(f.SortedValues);
        Assert.Equal(1001, f.Quantiles!.Count);
        Assert.Equal(ProfileBuilder.ExactLimit, f.Quantiles[^1]);
    }
}
