using System.Text;
using Keel.Datasets;
using Keel.Objects;

namespace Keel.Core.Tests.Datasets;

public sealed class StatusIndexTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private readonly TempDir _dir = new();
    private readonly FakeTime _time = new(Now);

    private string IndexFile => _dir.File("status/data");

    private static readonly Digest Version = ContentHasher.Hash("version"u8);

    private static ManifestEntry Entry(string path, string content) =>
        new(path, content.Length, 0b110_100_100, ContentHasher.Hash(Encoding.UTF8.GetBytes(content)));

    private static FileStat OldStat(long inode) => new(5, Now.AddHours(-1).ToUnixTimeMilliseconds() * 1_000_000, (ulong)inode, 0b110_100_100);

    [Fact]
    public void SaveThenLoad_SameVersion_FindsEveryPathAndTrustsItsStat()
    {
        ManifestEntry[] entries = [Entry("a.txt", "aaaaa"), Entry("sub/b.txt", "bbbbb"), Entry("sub/deeper/ü.txt", "ccccc")];
        FileStat[] stats = [OldStat(1), OldStat(2), OldStat(3)];
        StatusIndex.FromSnapshot(Version, "data", entries, stats, _time).Save(IndexFile);

        var index = StatusIndex.Load(IndexFile, Version, "data");

        Assert.NotNull(index);
        Assert.Equal(3, index.Count);
        for (var i = 0; i < entries.Length; i++)
        {
            var found = index.Find(Encoding.UTF8.GetBytes(entries[i].Path));
            Assert.True(found >= 0);
            Assert.Equal(entries[i].Path, index.PathOf(found));
            Assert.True(index.Matches(found, stats[i]));
            Assert.True(index.DigestEquals(found, entries[i].Digest));
            Assert.False(index.DigestEquals(found, Version));
        }
        Assert.Equal(-1, index.Find("missing.txt"u8));
        Assert.Equal(-1, index.Find("sub"u8));
    }

    [Fact]
    public void Matches_SizeMtimeInodeOrCtimeChanged_IsFalse()
    {
        var stat = OldStat(7);
        var index = StatusIndex.FromSnapshot(Version, "data", [Entry("a.txt", "aaaaa")], [stat], _time);

        Assert.True(index.Matches(0, stat));
        Assert.False(index.Matches(0, stat with { Size = 6 }));
        Assert.False(index.Matches(0, stat with { MtimeNs = stat.MtimeNs + 1 }));
        Assert.False(index.Matches(0, stat with { Inode = 8 }));
        Assert.False(index.Matches(0, stat with { CtimeNs = stat.CtimeNs + 1 }));
    }

    [Fact]
    public void FromSnapshot_FileModifiedWithinRacyWindow_IsNotTrusted()
    {
        var racy = new FileStat(5, Now.AddSeconds(-1).ToUnixTimeMilliseconds() * 1_000_000, 9, 0b110_100_100);

        var index = StatusIndex.FromSnapshot(Version, "data", [Entry("a.txt", "aaaaa")], [racy], _time);

        Assert.False(index.Matches(0, racy));
    }

    [Fact]
    public void FromManifest_NothingTrustedUntilTrust()
    {
        var index = StatusIndex.FromManifest(Version, "data", [Entry("a.txt", "aaaaa")]);
        var stat = OldStat(3);
        Assert.False(index.Matches(0, stat));

        index.Trust(0, stat, _time);

        Assert.True(index.Matches(0, stat));
        Assert.True(index.Dirty);
    }

    [Fact]
    public void Load_OtherVersionOrPath_IsNull()
    {
        StatusIndex.FromSnapshot(Version, "data", [Entry("a.txt", "aaaaa")], [OldStat(1)], _time).Save(IndexFile);

        Assert.Null(StatusIndex.Load(IndexFile, ContentHasher.Hash("other"u8), "data"));
        Assert.Null(StatusIndex.Load(IndexFile, Version, "elsewhere"));
        Assert.Null(StatusIndex.Load(_dir.File("status/none"), Version, "data"));
    }

    [Fact]
    public void Load_TruncatedOrGarbage_IsNull()
    {
        StatusIndex.FromSnapshot(Version, "data", [Entry("a.txt", "aaaaa"), Entry("b.txt", "bbbbb")], [OldStat(1), OldStat(2)], _time).Save(IndexFile);
        var bytes = File.ReadAllBytes(IndexFile);

        File.WriteAllBytes(IndexFile, bytes[..^3]);
        Assert.Null(StatusIndex.Load(IndexFile, Version, "data"));

        File.WriteAllBytes(IndexFile, new byte[bytes.Length]);
        Assert.Null(StatusIndex.Load(IndexFile, Version, "data"));
    }

    public void Dispose() => _dir.Dispose();
}
