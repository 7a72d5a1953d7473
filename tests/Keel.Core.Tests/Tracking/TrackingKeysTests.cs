using Keel.Tracking;

namespace Keel.Core.Tests.Tracking;

public sealed class TrackingKeysTests
{
    [Theory]
    [InlineData("auc")]
    [InlineData("val/auc")]
    [InlineData("layer.1-loss_x")]
    public void Validate_GoodKey_Passes(string key) => TrackingKeys.Validate("metric", key);

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData(".leading")]
    [InlineData("trailing/")]
    [InlineData("semi;colon")]
    public void Validate_BadKey_ThrowsNamingTheKey(string key)
    {
        var e = Assert.Throws<KeelException>(() => TrackingKeys.Validate("metric", key));
        Assert.Contains($"'{key}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TooLongKey_Throws() => Assert.Throws<KeelException>(() => TrackingKeys.Validate("param", new string('k', 251)));
}
