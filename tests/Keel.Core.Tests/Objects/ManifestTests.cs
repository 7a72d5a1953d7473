using System.Text;
using Keel.Objects;

namespace Keel.Core.Tests.Objects;

public sealed class ManifestTests
{
    private static readonly Digest A = ContentHasher.Hash("a"u8);
    private static readonly Digest B = ContentHasher.Hash("b"u8);

    private static ManifestEntry[] Sample() =>
    [
        new("z.txt", 1, 0b110_100_100, A),
        new("dir/b.bin", 2, 0b111_101_101, B),
        new("Dir/upper", 3, 0b110_100_100, A),
        new("a b/with space.txt", 4, 0b110_100_100, B),
        new("dir/a.bin", 5, 0b110_100_100, A),
        new("ünïcode/ß.csv", 6, 0b110_100_100, B),
    ];

    [Fact]
    public void Create_AnyInputOrder_SortsByOrdinalPath()
    {
        var manifest = Manifest.Create(Sample());

        var paths = manifest.Entries.Select(e => e.Path).ToList();
        Assert.Equal(["Dir/upper", "a b/with space.txt", "dir/a.bin", "dir/b.bin", "z.txt", "ünïcode/ß.csv"], paths);
    }

    [Fact]
    public void Create_ShuffledInput_SameBytesAndDigest()
    {
        var a = Manifest.Create(Sample()).Serialize();
        var b = Manifest.Create(Sample().Reverse()).Serialize();

        Assert.Equal(a, b);
        Assert.Equal(ContentHasher.Hash(a), ContentHasher.Hash(b));
    }

    [Fact]
    public void Serialize_WritesHeaderThenOneLinePerEntry()
    {
        var text = Encoding.UTF8.GetString(Manifest.Create([new ManifestEntry("x/y", 12, 0b111_101_101, A)]).Serialize());

        Assert.Equal($"keel-manifest 1\n{A} 12 755 x/y\n", text);
    }

    [Fact]
    public void Parse_SerializedManifest_RoundTripsEveryField()
    {
        var original = Manifest.Create(Sample());

        var parsed = Manifest.Parse(original.Serialize());

        Assert.Equal(original.Entries, parsed.Entries);
        Assert.Equal(original.Serialize(), parsed.Serialize());
        Assert.Equal(21, parsed.TotalBytes);
    }

    [Theory]
    [InlineData("carriage\rreturn")]
    [InlineData("form\ffeed")]
    [InlineData("next\u0085line")]
    [InlineData("line\u2028separator")]
    [InlineData("para\u2029separator")]
    [InlineData("tab\there")]
    public void Parse_PathWithUnusualWhitespace_RoundTrips(string name)
    {
        // Linux allows any byte but '/' and NUL in a file name; only '\n' is refused.
        var original = Manifest.Create([new ManifestEntry("d/" + name, 1, 0b110_100_100, A), new ManifestEntry("e", 2, 0b110_100_100, B)]);

        var parsed = Manifest.Parse(original.Serialize());

        Assert.Equal(original.Entries, parsed.Entries);
    }

    [Fact]
    public void Digest_ChangesWithAnyFieldOfAnyEntry()
    {
        var baseline = DigestOf(Sample());
        var variants = new List<ManifestEntry[]>();
        for (var i = 0; i < Sample().Length; i++)
        {
            variants.Add(With(i, e => e with { Digest = e.Digest == A ? B : A }));
            variants.Add(With(i, e => e with { Size = e.Size + 1 }));
            variants.Add(With(i, e => e with { Mode = e.Mode ^ 0b001_001_001 }));
            variants.Add(With(i, e => e with { Path = e.Path + "x" }));
        }
        variants.Add(Sample()[1..]);

        var digests = variants.Select(DigestOf).ToList();

        Assert.DoesNotContain(baseline, digests);
        Assert.Equal(digests.Count, digests.Distinct().Count());
    }

    [Fact]
    public void Digest_FileContentByteFlip_ChangesRoot()
    {
        var content = Encoding.UTF8.GetBytes("some,csv,data\n1,2,3\n");
        var flipped = (byte[])content.Clone();
        flipped[5] ^= 0x01;

        var a = DigestOf([new ManifestEntry("f.csv", content.Length, 0b110_100_100, ContentHasher.Hash(content))]);
        var b = DigestOf([new ManifestEntry("f.csv", flipped.Length, 0b110_100_100, ContentHasher.Hash(flipped))]);

        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Create_DuplicatePath_Refused()
    {
        var e = Assert.Throws<KeelException>(() => Manifest.Create([new ManifestEntry("a/b", 1, 0b110_100_100, A), new ManifestEntry("a/b", 2, 0b110_100_100, B)]));

        Assert.Contains("'a/b' twice", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/abs")]
    [InlineData("a//b")]
    [InlineData("a/")]
    [InlineData("./a")]
    [InlineData("a/./b")]
    [InlineData("../a")]
    [InlineData("a/../b")]
    [InlineData("..")]
    [InlineData("back\\slash")]
    [InlineData("new\nline")]
    public void Create_BadPath_Refused(string path)
    {
        var e = Assert.Throws<KeelException>(() => Manifest.Create([new ManifestEntry(path, 1, 0b110_100_100, A)]));

        Assert.Contains("cannot be versioned", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Parse_NotAManifest_Throws()
    {
        var e = Assert.Throws<KeelException>(() => Manifest.Parse("hello\n"u8));

        Assert.Equal(ExitCodes.CheckFailed, e.ExitCode);
    }

    [Fact]
    public void Parse_MalformedLine_Throws()
    {
        Assert.Throws<KeelException>(() => Manifest.Parse("keel-manifest 1\nnospaces\n"u8));
    }

    [Fact]
    public void Create_Empty_SerializesToHeaderOnly()
    {
        var manifest = Manifest.Create([]);

        Assert.Equal("keel-manifest 1\n"u8.ToArray(), manifest.Serialize());
        Assert.Empty(Manifest.Parse(manifest.Serialize()).Entries);
    }

    private static Digest DigestOf(IEnumerable<ManifestEntry> entries) => ContentHasher.Hash(Manifest.Create(entries).Serialize());

    private static ManifestEntry[] With(int index, Func<ManifestEntry, ManifestEntry> change)
    {
        var entries = Sample();
        entries[index] = change(entries[index]);
        return entries;
    }
}
