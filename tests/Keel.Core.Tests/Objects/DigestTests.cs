using Keel.Objects;

namespace Keel.Core.Tests.Objects;

public sealed class DigestTests
{
    private const string Hex = "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262";

    [Fact]
    public void Parse_ValidText_RoundTripsThroughToString()
    {
        var digest = Digest.Parse("blake3:" + Hex);

        Assert.Equal(Hex, digest.Hex);
        Assert.Equal("blake3:" + Hex, digest.ToString());
        Assert.Equal(Hex[..12], digest.Short);
        Assert.False(digest.IsEmpty);
    }

    [Theory]
    [InlineData("")]
    [InlineData(Hex)]
    [InlineData("sha256:" + Hex)]
    [InlineData("BLAKE3:" + Hex)]
    [InlineData("blake3:" + "AF1349B9F5F9A1A6A0404DEA36DCC9499BCB25C9ADC112B7CC9A93CAE41F3262")]
    [InlineData("blake3:" + "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f326")]
    [InlineData("blake3:" + "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f32620")]
    [InlineData("blake3:" + "gf1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262")]
    [InlineData(" blake3:" + Hex)]
    public void TryParse_Malformed_ReturnsFalseAndParseThrowsKeelException(string text)
    {
        Assert.False(Digest.TryParse(text, out _));
        var e = Assert.Throws<KeelException>(() => Digest.Parse(text));
        Assert.Equal(ExitCodes.Usage, e.ExitCode);
    }

    [Fact]
    public void TryParse_Null_ReturnsFalse() => Assert.False(Digest.TryParse(null, out _));

    [Fact]
    public void FromBytes_WrongLength_Throws()
    {
        Assert.Throws<ArgumentException>(() => Digest.FromBytes(new byte[31]));
        Assert.Throws<ArgumentException>(() => Digest.FromBytes(new byte[33]));
    }

    [Fact]
    public void FromBytes_SameBytes_EqualAndSameHash()
    {
        var bytes = Convert.FromHexString(Hex);

        var a = Digest.FromBytes(bytes);
        var b = Digest.Parse("blake3:" + Hex);

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(0, a.CompareTo(b));
    }

    [Fact]
    public void CompareTo_OrdersByHexOrdinal()
    {
        var low = Digest.Parse("blake3:" + new string('0', 64));
        var high = Digest.Parse("blake3:" + new string('f', 64));

        Assert.True(low.CompareTo(high) < 0);
        Assert.True(high.CompareTo(low) > 0);
    }

    [Fact]
    public void Default_IsEmpty() => Assert.True(default(Digest).IsEmpty);
}
