using Keel.Objects;

namespace Keel.Core.Tests.Objects;

public sealed class HashingCopyTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1000)]
    [InlineData((8 << 20) + 12345)]
    [InlineData((20 << 20) + 7)]
    public void Copy_AnySize_WritesTheBytesOnceAndReturnsTheirDigest(int size)
    {
        using var dir = new TempDir();
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);

        var (copied, digest) = new HashingCopy().Copy(new MemoryStream(bytes), size, dir.File("out"));

        Assert.Equal(size, copied);
        Assert.Equal(ContentHasher.Hash(bytes), digest);
        Assert.Equal(bytes, File.ReadAllBytes(dir.File("out")));
    }

    [Theory]
    [InlineData((5 << 20) + 3)]
    [InlineData((19 << 20) + 1)]
    public void Copy_StreamReturningShortReads_WritesEveryByte(int size)
    {
        using var dir = new TempDir();
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        var compressed = new MemoryStream();
        using (var gz = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            gz.Write(bytes);
        compressed.Position = 0;
        var copier = new HashingCopy();
        copier.Copy(new MemoryStream("{}"u8.ToArray()), 2, dir.File("small"));

        using var source = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionMode.Decompress);
        var (copied, digest) = copier.Copy(source, size, dir.File("out"));

        Assert.Equal(size, copied);
        Assert.Equal(ContentHasher.Hash(bytes), digest);
        Assert.Equal(bytes, File.ReadAllBytes(dir.File("out")));
    }

    [Fact]
    public void Copy_StreamEndsEarly_ReportsTheBytesThatCame()
    {
        using var dir = new TempDir();
        var bytes = new byte[(9 << 20) + 3];
        new Random(3).NextBytes(bytes);

        var (copied, digest) = new HashingCopy().Copy(new MemoryStream(bytes), bytes.Length + 100, dir.File("out"));

        Assert.Equal(bytes.Length, copied);
        Assert.Equal(ContentHasher.Hash(bytes), digest);
        Assert.Equal(bytes.Length, new FileInfo(dir.File("out")).Length);
    }

    [Fact]
    public void FileRangeCopy_RangeBetweenOffsets_CopiesExactlyThoseBytes()
    {
        using var dir = new TempDir();
        var bytes = new byte[3 << 20];
        new Random(5).NextBytes(bytes);
        File.WriteAllBytes(dir.File("src"), bytes);

        long copied;
        using (var source = File.OpenHandle(dir.File("src")))
        using (var target = File.OpenHandle(dir.File("dst"), FileMode.CreateNew, FileAccess.Write))
        {
            RandomAccess.Write(target, new byte[512], 0);
            copied = FileRangeCopy.Copy(source, 1000, target, 512, bytes.Length - 1000);
        }

        Assert.Equal(bytes.Length - 1000, copied);
        var written = File.ReadAllBytes(dir.File("dst"));
        Assert.Equal(bytes.AsSpan(1000).ToArray(), written.AsSpan(512).ToArray());
    }

    [Fact]
    public void FileRangeCopy_SourceShorterThanAsked_ReturnsWhatWasThere()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("src"), new byte[4096]);

        using var source = File.OpenHandle(dir.File("src"));
        using var target = File.OpenHandle(dir.File("dst"), FileMode.CreateNew, FileAccess.Write);
        var copied = FileRangeCopy.Copy(source, 0, target, 0, 10_000);

        Assert.Equal(4096, copied);
    }
}
