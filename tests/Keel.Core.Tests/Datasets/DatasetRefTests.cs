using Keel.Datasets;

namespace Keel.Core.Tests.Datasets;

public sealed class DatasetRefTests
{
    [Theory]
    [InlineData("data/train.csv", "train")]
    [InlineData("images/", "images")]
    [InlineData("raw data (2024).tar.gz", "raw-data--2024-.tar")]
    [InlineData(".hidden", "hidden")]
    [InlineData("ünïcode.bin", "n-code")]
    [InlineData("---", "data")]
    public void NameFromPath_KeepsNameCharactersAndReplacesTheRest(string path, string expected) =>
        Assert.Equal(expected, DatasetRef.NameFromPath(path));

    [Fact]
    public void NameFromPath_LongStem_CutAt128() =>
        Assert.Equal(new string('a', 128), DatasetRef.NameFromPath(new string('a', 300) + ".csv"));

    [Theory]
    [InlineData("train")]
    [InlineData("a")]
    [InlineData("v1.2_final-b")]
    [InlineData("9lives")]
    public void ValidateName_Accepts(string name) => DatasetRef.ValidateName(name);

    [Theory]
    [InlineData("")]
    [InlineData("-lead")]
    [InlineData(".lead")]
    [InlineData("has space")]
    [InlineData("slash/inside")]
    [InlineData("trailing\n")]
    [InlineData("ünïcode")]
    public void ValidateName_Refuses(string name)
    {
        var e = Assert.Throws<KeelException>(() => DatasetRef.ValidateName(name));
        Assert.Contains("is not a valid name", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateName_LengthLimitIs128()
    {
        DatasetRef.ValidateName(new string('a', 128));
        Assert.Throws<KeelException>(() => DatasetRef.ValidateName(new string('a', 129)));
    }

    [Theory]
    [InlineData("train@3", "train", 3)]
    [InlineData("train@latest", "train", null)]
    [InlineData("train", "train", null)]
    public void Parse_NameAndVersion(string text, string name, int? version) =>
        Assert.Equal(new DatasetRef(name, version), DatasetRef.Parse(text));
}
