using Keel.Objects;

namespace Keel.Core.Tests.Objects;

public sealed class LocalObjectStoreTests : IDisposable
{
    private const UnixFileMode ReadOnly = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly TempDir _dir = new();
    private readonly LocalObjectStore _store;

    public LocalObjectStoreTests() => _store = new LocalObjectStore(_dir.File("objects"));

    [Fact]
    public void Put_NewBytes_StoredUnderDigestReadOnlyWithNoTempLeft()
    {
        var bytes = "hello objects"u8.ToArray();
        var digest = ContentHasher.Hash(bytes);

        Assert.True(_store.Put(digest, bytes));

        var path = _store.PathOf(digest);
        Assert.Equal(Path.Combine(_dir.File("objects"), digest.Hex[..2], digest.Hex[2..]), path);
        Assert.Equal(bytes, File.ReadAllBytes(path));
        Assert.Equal(ReadOnly, File.GetUnixFileMode(path));
        Assert.Empty(_store.TempFiles());
        Assert.True(_store.Contains(digest));
        Assert.Equal(bytes.Length, _store.SizeOf(digest));
        Assert.Equal([digest], _store.List());
    }

    [Fact]
    public void PutFile_NewFile_CopiedReadOnlyAndSourceUntouched()
    {
        var source = _dir.Write("src.txt", "file bytes");
        var mode = File.GetUnixFileMode(source);
        var digest = ContentHasher.HashFile(source);

        Assert.True(_store.PutFile(digest, source));

        Assert.Equal("file bytes", File.ReadAllText(_store.PathOf(digest)));
        Assert.Equal(ReadOnly, File.GetUnixFileMode(_store.PathOf(digest)));
        Assert.Equal(mode, File.GetUnixFileMode(source));
        Assert.Empty(_store.TempFiles());
    }

    [Fact]
    public void Put_SameContentTwice_StoredOnce()
    {
        var bytes = "same"u8.ToArray();
        var digest = ContentHasher.Hash(bytes);

        Assert.True(_store.Put(digest, bytes));
        Assert.False(_store.Put(digest, bytes));
        Assert.False(_store.PutFile(digest, _dir.Write("same.txt", "same")));

        Assert.Single(_store.List());
        // Beside the object only the writers' lock file, which gc and writers share.
        Assert.Equal(["lock"], Directory.GetFiles(_dir.File("objects"), "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != digest.Hex[2..]).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Put_ConcurrentPutsOfSameDigest_OneObjectIntactAndNoTempFiles()
    {
        var bytes = new byte[1 << 20];
        new Random(3).NextBytes(bytes);
        var digest = ContentHasher.Hash(bytes);
        using var start = new ManualResetEventSlim();

        var tasks = Enumerable.Range(0, 16).Select(i => Task.Run(() =>
        {
            start.Wait();
            return i % 2 == 0 ? _store.Put(digest, bytes) : _store.PutFile(digest, SourceFile(bytes, i));
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(tasks);

        Assert.InRange(results.Count(r => r), 1, 16);
        Assert.Equal([digest], _store.List());
        Assert.Equal(digest, ContentHasher.HashFile(_store.PathOf(digest)));
        Assert.Empty(_store.TempFiles());
    }

    [Fact]
    public void Put_StoredObject_CannotBeOpenedForWriting()
    {
        var digest = ContentHasher.Hash("x"u8);
        _store.Put(digest, "x"u8);

        // Root ignores file modes; the mode bits are what the store promises.
        if (Environment.UserName == "root") Assert.Equal(ReadOnly, File.GetUnixFileMode(_store.PathOf(digest)));
        else Assert.Throws<UnauthorizedAccessException>(() => File.OpenWrite(_store.PathOf(digest)).Dispose());
    }

    [Fact]
    public void CopyTo_GivesWritableCopyThatDoesNotShareTheObject()
    {
        var digest = ContentHasher.Hash("original"u8);
        _store.Put(digest, "original"u8);
        var dest = _dir.File("out.txt");

        _store.CopyTo(digest, dest);
        File.WriteAllText(dest, "edited");

        Assert.NotEqual(FileStat.Of(dest)!.Value.Inode, FileStat.Of(_store.PathOf(digest))!.Value.Inode);
        Assert.Equal("original", File.ReadAllText(_store.PathOf(digest)));
        Assert.Equal(ReadOnly, File.GetUnixFileMode(_store.PathOf(digest)));
    }

    [Fact]
    public void OpenRead_Missing_ThrowsObjectMissing()
    {
        var digest = ContentHasher.Hash("nothing"u8);

        var e = Assert.Throws<ObjectMissingException>(() => _store.OpenRead(digest));

        Assert.Equal(digest, e.Digest);
        Assert.Throws<ObjectMissingException>(() => _store.CopyTo(digest, _dir.File("x")));
        Assert.Null(_store.SizeOf(digest));
        Assert.Null(_store.StoredAt(digest));
    }

    [Fact]
    public void Publish_SetsStoredAtToTheStoreClockNotTheSourceMtime()
    {
        var now = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var store = new LocalObjectStore(_dir.File("timed"), new FakeTime(now));
        var source = _dir.Write("old.txt", "old");
        File.SetLastWriteTimeUtc(source, new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var digest = ContentHasher.HashFile(source);

        store.PutFile(digest, source);

        Assert.Equal(now, store.StoredAt(digest));
    }

    [Fact]
    public void List_IgnoresTempFilesAndForeignNames()
    {
        var digest = ContentHasher.Hash("a"u8);
        _store.Put(digest, "a"u8);
        File.WriteAllText(Path.Combine(_dir.File("objects"), digest.Hex[..2], "not-a-digest"), "x");
        File.WriteAllText(_store.NewTempPath(), "partial");
        File.WriteAllText(Path.Combine(_dir.File("objects"), "tmp", "123-0123456789abcdef"), "left by an older version");

        Assert.Equal([digest], _store.List());
        // This process's own temp folder is not a leftover; an unowned loose temp file is.
        Assert.Equal("123-0123456789abcdef", Assert.Single(_store.TempFiles()).Name);
    }

    [Fact]
    public void Delete_RemovesOnlyThatObject()
    {
        var a = ContentHasher.Hash("a"u8);
        var b = ContentHasher.Hash("b"u8);
        _store.Put(a, "a"u8);
        _store.Put(b, "b"u8);

        Assert.True(_store.Delete(a));
        Assert.False(_store.Delete(a));

        Assert.Equal([b], _store.List());
    }

    private string SourceFile(byte[] bytes, int i)
    {
        var path = _dir.File($"source-{i}.bin");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void PutHardLinked_ObjectIsTheSameInodeReadOnlyWithNoCopy()
    {
        var source = _dir.Write("data.bin", "linked bytes");
        var stat = FileStat.Of(source)!.Value;
        var digest = ContentHasher.HashFile(source);

        Assert.True(_store.PutHardLinked(digest, source, stat));

        var stored = FileStat.Of(_store.PathOf(digest))!.Value;
        Assert.Equal(stat.Inode, stored.Inode);
        Assert.Equal(stat.MtimeNs, stored.MtimeNs);
        Assert.Equal(ReadOnly, File.GetUnixFileMode(source));
        Assert.Empty(_store.TempFiles());
        // The link keeps the user's mtime; gc's grace period must still see a fresh object.
        Assert.True(_store.StoredAt(digest) > DateTimeOffset.UtcNow.AddMinutes(-1));
        Assert.False(_store.PutHardLinked(digest, source, stat));
    }

    [Fact]
    public void PutHardLinked_FileChangedSinceHashed_ThrowsAndStoresNothing()
    {
        var source = _dir.Write("data.bin", "first");
        var stat = FileStat.Of(source)!.Value;
        var digest = ContentHasher.HashFile(source);
        File.WriteAllText(source, "second, longer");

        Assert.Throws<FileChangedException>(() => _store.PutHardLinked(digest, source, stat));

        Assert.False(_store.Contains(digest));
        Assert.Empty(_store.TempFiles());
    }

    [Fact]
    public void TryCloneToTemp_ClonesOrSaysItCannotOnce()
    {
        var source = _dir.Write("data.bin", "clone me");
        var stat = FileStat.Of(source)!.Value;

        var clone = _store.TryCloneToTemp(source, stat);

        // ext4 and tmpfs cannot clone (null: the caller copies); btrfs and XFS can (the
        // reflink file system tests in Keel.Team.Tests run this on XFS).
        if (clone is null)
        {
            Assert.Empty(_store.TempFiles());
            // Refused once, not asked again: the next file goes straight to a copy.
            Assert.Null(_store.TryCloneToTemp(source, stat));
        }
        else
        {
            Assert.Equal("clone me", File.ReadAllText(clone));
            Assert.NotEqual(stat.Inode, FileStat.Of(clone)!.Value.Inode);
            Assert.Equal(ReadOnly, File.GetUnixFileMode(clone));
        }
        Assert.NotEqual(ReadOnly, File.GetUnixFileMode(source));
    }

    public void Dispose() => _dir.Dispose();
}
