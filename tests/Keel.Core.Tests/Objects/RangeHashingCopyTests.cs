using Keel.Objects;

namespace Keel.Core.Tests.Objects;

public sealed class RangeHashingCopyTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData((4 << 20) + 5)]
    [InlineData((70 << 20) + 3)]
    public void Copy_RangeOfAnySize_WritesExactlyThoseBytesAndReturnsTheirDigest(int size)
    {
        using var dir = new TempDir();
        var bytes = new byte[size + 1536];
        new Random(size).NextBytes(bytes);
        File.WriteAllBytes(dir.File("src"), bytes);
        var range = bytes.AsSpan(1024, size).ToArray();

        (long Copied, Digest Digest) result;
        using (var source = File.OpenHandle(dir.File("src")))
            result = RangeHashingCopy.Copy(source, 1024, size, dir.File("out"));

        Assert.Equal(size, result.Copied);
        Assert.Equal(ContentHasher.Hash(range), result.Digest);
        Assert.Equal(range, File.ReadAllBytes(dir.File("out")));
    }

    [Fact]
    public void Copy_SourceEndsEarly_ReportsTheBytesThatCameAndTheirDigest()
    {
        using var dir = new TempDir();
        var bytes = new byte[(40 << 20) + 7];
        new Random(9).NextBytes(bytes);
        File.WriteAllBytes(dir.File("src"), bytes);

        (long Copied, Digest Digest) result;
        using (var source = File.OpenHandle(dir.File("src")))
            result = RangeHashingCopy.Copy(source, 512, 64 << 20, dir.File("out"));

        Assert.Equal(bytes.Length - 512, result.Copied);
        Assert.Equal(ContentHasher.Hash(bytes.AsSpan(512)), result.Digest);
        Assert.Equal(bytes.Length - 512, new FileInfo(dir.File("out")).Length);
    }

    [Fact]
    public void Copy_TargetExists_RefusesAndLeavesItAsItWas()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("src"), new byte[8 << 20]);
        File.WriteAllText(dir.File("out"), "kept");

        using var source = File.OpenHandle(dir.File("src"));
        Assert.Throws<IOException>(() => RangeHashingCopy.Copy(source, 0, 8 << 20, dir.File("out")));
        Assert.Equal("kept", File.ReadAllText(dir.File("out")));
    }
}
