using Keel.Objects;

namespace Keel.Core.Tests.Objects;

/// <summary>A stored object damaged after it was stored (chmod, edit): every read hands it on checked.</summary>
public sealed class VerifiedReadTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly LocalObjectStore _store;

    public VerifiedReadTests() => _store = new LocalObjectStore(_dir.File("objects"));

    [Theory]
    [InlineData(100)]
    [InlineData((6 << 20) + 7)]
    public void OpenRead_IntactObject_ReadsItsBytes(int size)
    {
        var (digest, bytes) = Store(size);

        using var s = _store.OpenRead(digest);
        using var copy = new MemoryStream();
        s.CopyTo(copy);

        Assert.Equal(bytes, copy.ToArray());
    }

    [Theory]
    [InlineData(100)]
    [InlineData((6 << 20) + 7)]
    public void OpenRead_DamagedObject_ThrowsWhenTheReadReachesTheEnd(int size)
    {
        var (digest, _) = Store(size);
        Damage(digest);

        using var s = _store.OpenRead(digest);
        var e = Assert.Throws<ObjectCorruptException>(() => s.CopyTo(Stream.Null));

        Assert.Equal(digest, e.Digest);
        Assert.Equal(ContentHasher.HashFile(_store.PathOf(digest)), e.Actual);
        Assert.Equal(ExitCodes.CheckFailed, e.ExitCode);
        Assert.Contains("keel fsck", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OpenRead_DamagedObjectReadFromTheEndFirst_ThrowsAtTheSeek()
    {
        var (digest, _) = Store(5000);
        Damage(digest);

        using var s = _store.OpenRead(digest);

        Assert.True(s.CanSeek);
        Assert.Throws<ObjectCorruptException>(() => s.Seek(-8, SeekOrigin.End));
    }

    [Fact]
    public void OpenRead_IntactObjectReadFromTheEnd_SeeksAndReads()
    {
        var (digest, bytes) = Store(5000);

        using var s = _store.OpenRead(digest);
        s.Seek(-8, SeekOrigin.End);
        var tail = new byte[8];
        s.ReadExactly(tail);

        Assert.Equal(bytes[^8..], tail);
    }

    [Theory]
    [InlineData(100)]
    [InlineData((6 << 20) + 7)]
    public void CopyTo_DamagedObject_ThrowsAndLeavesNothingAtTheDestination(int size)
    {
        var (digest, _) = Store(size);
        Damage(digest);
        var destination = _dir.File("out.bin");
        File.WriteAllText(destination, "the caller's old file");

        Assert.Throws<ObjectCorruptException>(() => _store.CopyTo(digest, destination));

        Assert.False(File.Exists(destination));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData((6 << 20) + 7)]
    public void CopyTo_IntactObject_WritesAWritableCopy(int size)
    {
        var (digest, bytes) = Store(size);
        var destination = _dir.File("out.bin");

        _store.CopyTo(digest, destination);

        Assert.Equal(bytes, File.ReadAllBytes(destination));
        Assert.True(File.GetUnixFileMode(destination).HasFlag(UnixFileMode.UserWrite));
    }

    [Fact]
    public void Verify_DamagedObject_Throws()
    {
        var (digest, _) = Store(100);
        _store.Verify(digest);
        Damage(digest);

        Assert.Throws<ObjectCorruptException>(() => _store.Verify(digest));
    }

    private (Digest Digest, byte[] Bytes) Store(int size)
    {
        var bytes = new byte[size];
        new Random(size).NextBytes(bytes);
        var digest = ContentHasher.Hash(bytes);
        _store.Put(digest, bytes);
        return (digest, bytes);
    }

    private void Damage(Digest digest)
    {
        var path = _store.PathOf(digest);
        var mode = File.GetUnixFileMode(path);
        File.SetUnixFileMode(path, mode | UnixFileMode.UserWrite);
        using (var f = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite))
        {
            var at = RandomAccess.GetLength(f) / 2;
            var one = new byte[1];
            RandomAccess.Read(f, one, at);
            one[0] ^= 0x01;
            RandomAccess.Write(f, one, at);
        }
        File.SetUnixFileMode(path, mode);
    }

    public void Dispose() => _dir.Dispose();
}
