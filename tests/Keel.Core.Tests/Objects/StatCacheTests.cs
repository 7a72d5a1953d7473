using System.Buffers.Binary;
using Keel.Objects;

namespace Keel.Core.Tests.Objects;

public sealed class StatCacheTests : IDisposable
{
    private static readonly Digest D = ContentHasher.Hash("content"u8);
    private static readonly DateTimeOffset Later = DateTimeOffset.UnixEpoch.AddYears(60);

    private readonly TempDir _dir = new();
    private readonly FakeTime _time = new(Later);

    private string CacheFile => _dir.File("stat-cache");

    // An mtime an hour before the clock: never racy.
    private static FileStat Stat(long size = 10, long mtimeNs = 0, ulong inode = 7) =>
        new(size, mtimeNs == 0 ? (Later.ToUnixTimeMilliseconds() - 3_600_000) * 1_000_000 : mtimeNs, inode, 0b110_100_100);

    [Fact]
    public void Lookup_SameSizeMtimeAndInode_Hits()
    {
        var cache = StatCache.Load(CacheFile, _time);
        cache.Record("d/f", Stat(), D);

        Assert.Equal(D, cache.Lookup("d/f", Stat()));
    }

    [Fact]
    public void Lookup_UnknownPath_Misses()
    {
        var cache = StatCache.Load(CacheFile, _time);
        cache.Record("d/f", Stat(), D);

        Assert.Null(cache.Lookup("d/g", Stat()));
    }

    [Fact]
    public void Lookup_SizeDiffers_Misses()
    {
        var cache = StatCache.Load(CacheFile, _time);
        cache.Record("f", Stat(), D);

        Assert.Null(cache.Lookup("f", Stat() with { Size = 11 }));
    }

    [Fact]
    public void Lookup_MtimeDiffersByOneNanosecond_Misses()
    {
        var cache = StatCache.Load(CacheFile, _time);
        cache.Record("f", Stat(), D);

        Assert.Null(cache.Lookup("f", Stat() with { MtimeNs = Stat().MtimeNs + 1 }));
    }

    [Fact]
    public void Lookup_InodeDiffers_Misses()
    {
        var cache = StatCache.Load(CacheFile, _time);
        cache.Record("f", Stat(), D);

        Assert.Null(cache.Lookup("f", Stat() with { Inode = 8 }));
    }

    [Fact]
    public void Lookup_CtimeDiffers_Misses()
    {
        var cache = StatCache.Load(CacheFile, _time);
        cache.Record("f", Stat() with { CtimeNs = 5 }, D);

        Assert.Null(cache.Lookup("f", Stat() with { CtimeNs = 6 }));
    }

    [Fact]
    public void Lookup_RealFileRewrittenInPlaceWithSameSizeAndMtimePutBack_MissesOnCtime()
    {
        // What `cp -p`, `touch -d` or an archive extractor leaves: same inode, size and mtime.
        var (file, mtime, before, cache) = RecordOldFile();

        // Rewritten until the kernel's coarse clock has moved on, so the change shows in ctime.
        FileStat after;
        do
        {
            using (var stream = new FileStream(file, FileMode.Open, FileAccess.Write))
                stream.Write("bbbb"u8);
            File.SetLastWriteTimeUtc(file, mtime);
            after = FileStat.Of(file)!.Value;
        }
        while (after.CtimeNs == before.CtimeNs);

        Assert.Equal((before.Size, before.MtimeNs, before.Inode), (after.Size, after.MtimeNs, after.Inode));
        Assert.Null(cache.Lookup("data.txt", after));
    }

    [Fact]
    public void SaveAndLoad_KeepsCtime()
    {
        var cache = StatCache.Load(CacheFile, _time);
        cache.Record("f", Stat() with { CtimeNs = 123_456_789 }, D);
        cache.Save();

        var loaded = StatCache.Load(CacheFile, _time);

        Assert.Equal(D, loaded.Lookup("f", Stat() with { CtimeNs = 123_456_789 }));
        Assert.Null(loaded.Lookup("f", Stat() with { CtimeNs = 123_456_790 }));
    }

    [Fact]
    public void Lookup_ModeBitsDiffer_StillHits()
    {
        // Mode is not part of the content; chmod +x does not need a re-hash.
        var cache = StatCache.Load(CacheFile, _time);
        cache.Record("f", Stat(), D);

        Assert.Equal(D, cache.Lookup("f", Stat() with { Mode = 0b111_101_101 }));
    }

    [Fact]
    public void Lookup_RealFileRewrittenWithSameSize_Misses()
    {
        var file = _dir.Write("data.txt", "aaaa");
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddHours(-1));
        var cache = StatCache.Load(CacheFile, TimeProvider.System);
        cache.Record("data.txt", FileStat.Of(file)!.Value, D);
        Assert.Equal(D, cache.Lookup("data.txt", FileStat.Of(file)!.Value));

        File.WriteAllText(file, "bbbb");

        Assert.Null(cache.Lookup("data.txt", FileStat.Of(file)!.Value));
    }

    [Fact]
    public void Lookup_RealFileReplacedByRenameWithSameSizeAndMtime_MissesOnInode()
    {
        var (file, mtime, before, cache) = RecordOldFile();

        var replacement = _dir.Write("replacement.tmp", "bbbb");
        File.SetLastWriteTimeUtc(replacement, mtime);
        File.Move(replacement, file, overwrite: true);
        var after = FileStat.Of(file)!.Value;

        Assert.Equal(before.Size, after.Size);
        Assert.Equal(before.MtimeNs, after.MtimeNs);
        Assert.NotEqual(before.Inode, after.Inode);
        Assert.Null(cache.Lookup("data.txt", after));
    }

    [Fact]
    public void Lookup_EntryRecordedWithinRacyWindowOfItsMtime_NotTrusted()
    {
        var mtimeNs = Later.ToUnixTimeMilliseconds() * 1_000_000 - 500_000_000;
        var cache = StatCache.Load(CacheFile, _time);
        cache.Record("f", Stat(mtimeNs: mtimeNs), D);

        Assert.Null(cache.Lookup("f", Stat(mtimeNs: mtimeNs)));
    }

    [Fact]
    public void Lookup_RacyEntryRecordedAgainLater_Trusted()
    {
        var mtimeNs = Later.ToUnixTimeMilliseconds() * 1_000_000 - 500_000_000;
        var cache = StatCache.Load(CacheFile, _time);
        cache.Record("f", Stat(mtimeNs: mtimeNs), D);

        _time.Now = Later.AddSeconds(10);
        cache.Record("f", Stat(mtimeNs: mtimeNs), D);

        Assert.Equal(D, cache.Lookup("f", Stat(mtimeNs: mtimeNs)));
    }

    [Fact]
    public void Lookup_RacyEntry_StaysUntrustedAfterSaveAndLoad()
    {
        var mtimeNs = Later.ToUnixTimeMilliseconds() * 1_000_000;
        var cache = StatCache.Load(CacheFile, _time);
        cache.Record("f", Stat(mtimeNs: mtimeNs), D);
        cache.Save();

        _time.Now = Later.AddHours(1);
        var reloaded = StatCache.Load(CacheFile, _time);

        Assert.Equal(1, reloaded.Count);
        Assert.Null(reloaded.Lookup("f", Stat(mtimeNs: mtimeNs)));
    }

    [Fact]
    public void SaveThenLoad_RoundTripsEveryEntry()
    {
        var cache = StatCache.Load(CacheFile, _time);
        var digests = new Dictionary<string, Digest>();
        for (var i = 0; i < 100; i++)
        {
            var path = $"dir/ü-{i}/file {i}.bin";
            var digest = ContentHasher.Hash(BitConverter.GetBytes(i));
            digests[path] = digest;
            cache.Record(path, Stat(size: i, inode: (ulong)i + 1), digest);
        }
        cache.Save();

        var reloaded = StatCache.Load(CacheFile, _time);

        Assert.Equal(100, reloaded.Count);
        var i2 = 0;
        foreach (var (path, digest) in digests)
        {
            Assert.Equal(digest, reloaded.Lookup(path, Stat(size: i2, inode: (ulong)i2 + 1)));
            i2++;
        }
    }

    [Fact]
    public void Forget_ThenSave_EntryGoneAfterLoad()
    {
        var cache = StatCache.Load(CacheFile, _time);
        cache.Record("a", Stat(), D);
        cache.Record("b", Stat(), D);
        cache.Save();
        cache.Forget("a");
        cache.Save();

        var reloaded = StatCache.Load(CacheFile, _time);

        Assert.Null(reloaded.Lookup("a", Stat()));
        Assert.Equal(D, reloaded.Lookup("b", Stat()));
    }

    [Fact]
    public void Save_LeavesNoTempFileBehind()
    {
        var cache = StatCache.Load(CacheFile, _time);
        cache.Record("a", Stat(), D);

        cache.Save();

        Assert.Equal(["stat-cache"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Load_MissingFile_EmptyCache() => Assert.Equal(0, StatCache.Load(CacheFile, _time).Count);

    public static TheoryData<string, byte[]> DamagedFiles()
    {
        var valid = ValidCacheBytes();
        var hugeCount = (byte[])valid.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(hugeCount.AsSpan(4), int.MaxValue);
        var negativeCount = (byte[])valid.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(negativeCount.AsSpan(4), -1);
        var hugePathLength = (byte[])valid.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(hugePathLength.AsSpan(8), int.MaxValue);
        var negativePathLength = (byte[])valid.Clone();
        BinaryPrimitives.WriteInt32LittleEndian(negativePathLength.AsSpan(8), -5);
        var random = new byte[4096];
        new Random(1).NextBytes(random);
        var randomAfterMagic = (byte[])random.Clone();
        "KSC2"u8.CopyTo(randomAfterMagic);
        return new TheoryData<string, byte[]>
        {
            { "empty", [] },
            { "wrong magic", [.. "NOPE"u8, .. valid[4..]] },
            { "truncated header", valid[..6] },
            { "truncated entry", valid[..^10] },
            { "count larger than the entries", hugeCount },
            { "negative count", negativeCount },
            { "path length past the end", hugePathLength },
            { "negative path length", negativePathLength },
            { "random bytes", random },
            { "random bytes after the magic", randomAfterMagic },
        };
    }

    [Fact]
    public void Load_CacheOfTheFormatWithoutCtime_IsNoCache()
    {
        // Format 1 had no ctime: its entries cannot vouch for a file, so everything is re-hashed once.
        var old = ValidCacheBytes();
        "KSC1"u8.CopyTo(old);
        File.WriteAllBytes(CacheFile, old);

        Assert.Equal(0, StatCache.Load(CacheFile, _time).Count);
    }

    [Theory]
    [MemberData(nameof(DamagedFiles))]
    public void Load_DamagedFile_EmptyCache(string what, byte[] bytes)
    {
        File.WriteAllBytes(CacheFile, bytes);

        var cache = StatCache.Load(CacheFile, _time);

        Assert.True(cache.Count == 0, what);
        Assert.Null(cache.Lookup("f", Stat()));
    }

    [Fact]
    public void Load_DamagedFile_NextSaveRewritesIt()
    {
        File.WriteAllBytes(CacheFile, "KSC2garbage"u8.ToArray());
        var cache = StatCache.Load(CacheFile, _time);
        cache.Record("f", Stat(), D);

        cache.Save();

        Assert.Equal(D, StatCache.Load(CacheFile, _time).Lookup("f", Stat()));
    }

    /// <summary>data.txt with an mtime an hour old, its stat recorded in a cache on the real clock.</summary>
    private (string File, DateTime Mtime, FileStat Before, StatCache Cache) RecordOldFile()
    {
        var file = _dir.Write("data.txt", "aaaa");
        var mtime = DateTime.UtcNow.AddHours(-1);
        File.SetLastWriteTimeUtc(file, mtime);
        var cache = StatCache.Load(CacheFile, TimeProvider.System);
        var before = FileStat.Of(file)!.Value;
        cache.Record("data.txt", before, D);
        return (file, mtime, before, cache);
    }

    private static byte[] ValidCacheBytes()
    {
        using var dir = new TempDir();
        var file = dir.File("c");
        var cache = StatCache.Load(file, new FakeTime(Later));
        cache.Record("f", Stat(), D);
        cache.Record("g", Stat(size: 3), D);
        cache.Save();
        return File.ReadAllBytes(file);
    }

    public void Dispose() => _dir.Dispose();
}
