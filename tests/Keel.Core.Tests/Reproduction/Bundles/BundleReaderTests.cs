using System.IO.Compression;
using Keel.Objects;
using Keel.Reproduction.Bundles;

namespace Keel.Core.Tests.Reproduction.Bundles;

public sealed class BundleReaderTests
{
    private static readonly BundleLimits Limits = BundleLimits.Default;

    [Fact]
    public void Stage_LargeEntryOfAnUncompressedBundle_StagedWithItsDigest()
    {
        using var dir = new TempDir();
        var (bundle, big) = WriteBundle(dir, (36 << 20) + 11);
        var hex = ContentHasher.Hash(big).Hex;

        var staged = BundleReader.Stage(bundle, Staging(dir), Limits);

        Assert.Equal(big.LongLength, staged[$"objects/{hex}"].Size);
        Assert.Equal(hex, staged[$"objects/{hex}"].Digest.Hex);
        Assert.Equal(big, File.ReadAllBytes(staged[$"objects/{hex}"].File));
        Assert.Equal("{}"u8.ToArray(), File.ReadAllBytes(staged["manifest.json"].File));
    }

    [Fact]
    public void Stage_GzipAndPlainBundles_StageTheSameBytesAndDigests()
    {
        using var dir = new TempDir();
        var (bundle, _) = WriteBundle(dir, (6 << 20) + 1);
        var gzip = dir.File("b.tar.gz");
        using (var input = File.OpenRead(bundle))
        using (var output = new GZipStream(File.Create(gzip), CompressionLevel.Fastest))
            input.CopyTo(output);

        var plain = BundleReader.Stage(bundle, Staging(dir), Limits);
        var compressed = BundleReader.Stage(gzip, Staging(dir), Limits);

        Assert.Equal(plain.Keys.Order(), compressed.Keys.Order());
        Assert.All(plain, kv => Assert.Equal(kv.Value.Digest, compressed[kv.Key].Digest));
    }

    [Theory]
    [InlineData(6 << 20, "the bundle is truncated: expected 12582912 bytes for entry 'objects/")]
    [InlineData((12 << 20) + 1536 - 100, "the bundle is truncated: expected 12582912 bytes for entry 'objects/")]
    public void Stage_FileCutInsideALargeEntry_RefusedAsTruncated(int cutAt, string reason)
    {
        using var dir = new TempDir();
        var (bundle, _) = WriteBundle(dir, 12 << 20);
        using (var f = File.OpenHandle(bundle, FileMode.Open, FileAccess.Write))
            RandomAccess.SetLength(f, cutAt);

        var e = Assert.Throws<KeelException>(() => BundleReader.Stage(bundle, Staging(dir), Limits));

        Assert.Contains("bundle rejected, nothing was imported", e.Message);
        Assert.Contains(reason, e.Message);
    }

    private static string Staging(TempDir dir) => Directory.CreateDirectory(dir.File("staging-" + Guid.NewGuid().ToString("N"))).FullName;

    /// <summary>A bundle-shaped tar: a tiny manifest.json, then one object of <paramref name="size"/> random bytes named by its digest.</summary>
    private static (string Bundle, byte[] Big) WriteBundle(TempDir dir, int size)
    {
        var big = new byte[size];
        new Random(size).NextBytes(big);
        File.WriteAllBytes(dir.File("object"), big);
        var bundle = dir.File("b.tar");
        using var output = File.OpenHandle(bundle, FileMode.CreateNew, FileAccess.Write);
        using var source = File.OpenHandle(dir.File("object"));
        var tar = new TarArchiveWriter(output, DateTimeOffset.UnixEpoch);
        tar.Add("manifest.json", "{}"u8);
        tar.Add($"objects/{ContentHasher.Hash(big).Hex}", source, big.Length);
        tar.Finish();
        return (bundle, big);
    }
}
