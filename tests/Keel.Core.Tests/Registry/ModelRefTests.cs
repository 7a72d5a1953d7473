using Keel.Registry;

namespace Keel.Core.Tests.Registry;

public sealed class ModelRefTests
{
    [Theory]
    [InlineData("churn", "churn", null, null)]
    [InlineData("churn@latest", "churn", null, null)]
    [InlineData("churn@7", "churn", 7, null)]
    [InlineData("churn@v7", "churn", 7, null)]
    [InlineData("churn@production", "churn", null, "production")]
    public void Parse_Forms_Resolve(string text, string name, int? version, string? alias) =>
        Assert.Equal(new ModelRef(name, version, alias), ModelRef.Parse(text));

    [Theory]
    [InlineData("latest")]
    [InlineData("v3")]
    [InlineData("Prod")]
    public void ValidateAlias_ReservedOrMalformed_Refuses(string alias) =>
        Assert.Throws<KeelException>(() => ModelRef.ValidateAlias(alias));
}
