using Keel.Objects;

namespace Keel.Core.Tests.Objects;

public sealed class ContentHasherTests
{
    public static TheoryData<int> VectorLengths()
    {
        var data = new TheoryData<int>();
        foreach (var (length, _) in Blake3TestVectors.Cases) data.Add(length);
        return data;
    }

    [Theory]
    [MemberData(nameof(VectorLengths))]
    public void Hash_OfficialTestVector_MatchesFirst32Bytes(int length)
    {
        var expected = Expected(length);

        var digest = ContentHasher.Hash(Blake3TestVectors.Input(length));

        Assert.Equal(expected[..64], digest.Hex);
    }

    [Theory]
    [MemberData(nameof(VectorLengths))]
    public void Blake3Scalar_OfficialTestVector_MatchesFirst32Bytes(int length)
    {
        var expected = Expected(length);
        var output = new byte[32];

        Blake3Scalar.Hash(Blake3TestVectors.Input(length), output);

        Assert.Equal(expected[..64], Convert.ToHexStringLower(output));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1024)]
    [InlineData(5000)]
    [InlineData(16383)]
    [InlineData(100_000)]
    [InlineData((2 << 20) + 5)]
    public void Hash_ScalarAndSimdPaths_Agree(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        var reference = new byte[32];
        Blake3Scalar.Hash(bytes, reference);

        var simd = ContentHasher.Hash(bytes, Blake3Kernels.Best);

        Assert.Equal(Convert.ToHexStringLower(reference), simd.Hex);
        Assert.Equal(simd, ContentHasher.Hash(bytes));
        Assert.Equal(simd, ContentHasher.Hash(bytes, preferSimd: true));
    }

    [Fact]
    public void KernelFor_InputSize_ScalarWhenSmallSimdWhenLarge()
    {
        Assert.Equal(Blake3Kernel.Scalar, Blake3Kernels.For(0));
        Assert.Equal(Blake3Kernel.Scalar, Blake3Kernels.For(Blake3Kernels.WarmSimdMin - 1));
        Assert.Equal(Blake3Kernels.Best, Blake3Kernels.For(Blake3Kernels.ColdSimdMin));
    }

    [Theory]
    [MemberData(nameof(VectorLengths))]
    public void HashFile_OfficialTestVector_MatchesHashOfBytes(int length)
    {
        using var dir = new TempDir();
        var file = dir.File("v.bin");
        File.WriteAllBytes(file, Blake3TestVectors.Input(length));

        var digest = ContentHasher.HashFile(file);

        Assert.Equal(Expected(length)[..64], digest.Hex);
    }

    [Fact]
    public void Hash_KnownPublishedValues_Match()
    {
        Assert.Equal("af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262", ContentHasher.Hash([]).Hex);
        Assert.Equal("6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85", ContentHasher.Hash("abc"u8).Hex);
    }

    [Theory]
    [InlineData(ContentHasher.ParallelThreshold)]
    [InlineData(ContentHasher.ParallelThreshold + 1)]
    [InlineData((9 << 20) + 12345)]
    public void HashFile_LargeFileThroughMappedParallelPath_EqualsSingleThreadedHash(long length)
    {
        using var dir = new TempDir();
        var bytes = new byte[length];
        new Random(42).NextBytes(bytes);
        var file = dir.File("large.bin");
        File.WriteAllBytes(file, bytes);
        var reference = new byte[32];
        Blake3Scalar.Hash(bytes, reference);

        var viaFile = ContentHasher.HashFile(file);
        var viaSpan = ContentHasher.Hash(bytes);

        Assert.Equal(Convert.ToHexStringLower(reference), viaFile.Hex);
        Assert.Equal(viaFile, viaSpan);
    }

    [Theory]
    [InlineData(ContentHasher.ParallelThreshold + 1)]
    [InlineData((37 << 20) + 777)]
    public void HashFile_OpenForWritingElsewhere_ReadInsteadOfMappedSameDigest(long length)
    {
        // No read lease while a writer has the file open: the file is read, not mapped, so a
        // truncation could not fault the hash; the digest is the same.
        using var dir = new TempDir();
        var bytes = new byte[length];
        new Random(43).NextBytes(bytes);
        var file = dir.File("large.bin");
        File.WriteAllBytes(file, bytes);
        var reference = new byte[32];
        Blake3Scalar.Hash(bytes, reference);

        using var writer = new FileStream(file, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        var digest = ContentHasher.HashFile(file);

        Assert.Equal(Convert.ToHexStringLower(reference), digest.Hex);
    }

    [Fact]
    public void HashFile_LargeFileSpanningSeveralSlices_EqualsSingleThreadedHash()
    {
        // 600 MiB would cross the 256 MiB slice boundary but is too slow for a unit test; a
        // sparse file of 300 MiB with data at both ends crosses it once, cheaply.
        using var dir = new TempDir();
        var file = dir.File("sparse.bin");
        const long length = (300L << 20) + 7;
        using (var stream = new FileStream(file, FileMode.CreateNew))
        {
            stream.Write("head"u8);
            stream.Seek((256L << 20) - 2, SeekOrigin.Begin);
            stream.Write("boundary"u8);
            stream.SetLength(length);
        }
        var hasher = new Blake3Hasher(Blake3Kernel.Scalar);
        var buffer = new byte[1 << 20];
        using (var read = File.OpenRead(file))
        {
            int n;
            while ((n = read.Read(buffer)) > 0) hasher.Update(buffer.AsSpan(0, n));
        }
        var reference = new byte[32];
        hasher.Finalize(reference);

        Assert.Equal(Convert.ToHexStringLower(reference), ContentHasher.HashFile(file).Hex);
    }

    [Fact]
    public void Hash_OneByteDifferent_GivesDifferentDigest()
    {
        var a = Blake3TestVectors.Input(5000);
        var b = (byte[])a.Clone();
        b[4999] ^= 1;

        Assert.NotEqual(ContentHasher.Hash(a), ContentHasher.Hash(b));
    }

    private static string Expected(int length) =>
        Blake3TestVectors.Cases.Single(c => c.Length == length).ExtendedHex;
}
