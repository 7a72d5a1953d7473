using System.Formats.Tar;
using Keel.Reproduction.Bundles;

namespace Keel.Core.Tests.Reproduction.Bundles;

public sealed class TarArchiveWriterTests
{
    [Fact]
    public void Add_BytesLongNameAndFile_ReadBackByTheBclReader()
    {
        using var dir = new TempDir();
        var data = new byte[(1 << 20) + 17];
        new Random(1).NextBytes(data);
        File.WriteAllBytes(dir.File("object"), data);
        var longName = "attestations/" + new string('a', 120) + ".dsse.json";
        var when = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

        using (var output = File.OpenHandle(dir.File("b.tar"), FileMode.CreateNew, FileAccess.Write))
        using (var source = File.OpenHandle(dir.File("object")))
        {
            var tar = new TarArchiveWriter(output, when);
            tar.Add("manifest.json", "{}"u8);
            tar.Add(longName, "xyz"u8);
            tar.Add("objects/abc", source, data.Length);
            tar.Finish();
            Assert.Equal(new FileInfo(dir.File("b.tar")).Length, tar.Position);
        }

        using var reader = new TarReader(File.OpenRead(dir.File("b.tar")));
        var entries = new List<(string Name, byte[] Bytes, TarEntryType Type, DateTimeOffset Modified)>();
        while (reader.GetNextEntry(copyData: true) is { } e)
        {
            using var m = new MemoryStream();
            e.DataStream?.CopyTo(m);
            entries.Add((e.Name, m.ToArray(), e.EntryType, e.ModificationTime));
        }
        Assert.Equal(["manifest.json", longName, "objects/abc"], entries.Select(e => e.Name));
        Assert.Equal("{}"u8.ToArray(), entries[0].Bytes);
        Assert.Equal("xyz"u8.ToArray(), entries[1].Bytes);
        Assert.Equal(data, entries[2].Bytes);
        Assert.All(entries, e => Assert.Equal(TarEntryType.RegularFile, e.Type));
        Assert.All(entries, e => Assert.Equal(when, e.Modified));
    }

    [Fact]
    public void Add_FileShorterThanDeclared_Refuses()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("object"), new byte[100]);

        using var output = File.OpenHandle(dir.File("b.tar"), FileMode.CreateNew, FileAccess.Write);
        using var source = File.OpenHandle(dir.File("object"));
        var tar = new TarArchiveWriter(output, DateTimeOffset.UnixEpoch);

        var e = Assert.Throws<KeelException>(() => tar.Add("objects/abc", source, 200));
        Assert.Contains("ended after 100 of 200 bytes", e.Message);
    }
}
