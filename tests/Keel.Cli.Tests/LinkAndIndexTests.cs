using System.Text.Json;

namespace Keel.Cli.Tests;

/// <summary><c>keel add --link</c> and the status index behind <c>keel status</c>.</summary>
public sealed class LinkAndIndexTests
{
    private const UnixFileMode ReadOnly = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    [Fact]
    public void AddLinkHardlink_FileBecomesTheReadOnlyObject_FsckStatusAndGcAgree()
    {
        using var ws = TempWorkspace.Init();
        ws.WriteTree("raw", 12, seed: 21, maxBytes: 50_000);
        ws.WriteBytes("raw/big.bin", AddStatusCheckoutTests.RandomBytes(6 << 20, 22));
        // Old mtimes: the stat cache trusts no file written within its racy window.
        foreach (var f in Directory.EnumerateFiles(ws.PathOf("raw"), "*", SearchOption.AllDirectories)) File.SetLastWriteTimeUtc(f, DateTime.UtcNow.AddHours(-1));
        var before = TreeAssert.Snapshot(ws.PathOf("raw"));

        var add = ws.Keel("add", "raw", "--link", "hardlink", "--json");

        Assert.True(add.ExitCode == 0, add.ToString());
        TreeAssert.Matches(before, ws.PathOf("raw"));
        // Next, before anything else looks: the link moved each file's ctime; the stat cache
        // holds the stat after it, so nothing is read again.
        var again = ws.Keel("add", "raw", "--link", "hardlink", "--json");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.True(again.Json().GetProperty("unchanged").GetBoolean());
        Assert.Equal(0, again.Json().GetProperty("hashed_bytes").GetInt64());

        foreach (var file in new[] { "raw/big.bin", "raw/sub1/f0001.bin" })
        {
            var stored = ws.ObjectPath(Digest(ws, file));
            Assert.Equal(Inode(ws.PathOf(file)), Inode(stored));
            Assert.Equal(ReadOnly, File.GetUnixFileMode(ws.PathOf(file)));
        }
        Assert.Equal(0, ws.Keel("fsck").ExitCode);
        Assert.Equal("unchanged", Status(ws).GetProperty("state").GetString());
        Assert.Equal(0, ws.Keel("gc", "--grace", "0s").ExitCode);
        ws.AssertEveryObjectMatchesItsName();
        Assert.True(File.Exists(ws.ObjectPath(Digest(ws, "raw/big.bin"))));
    }

    [Fact]
    public void AddLinkFromConfig_Hardlink_SameAsTheFlag()
    {
        using var ws = TempWorkspace.Init();
        File.AppendAllText(Path.Combine(ws.KeelDir, "config.yaml"), "link: hardlink\n");
        ws.Write("model.bin", "weights");

        var add = ws.Keel("add", "model.bin", "--json");

        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.Equal(Inode(ws.PathOf("model.bin")), Inode(ws.ObjectPath(add.Json().GetProperty("digest").GetString()!)));
    }

    [Fact]
    public void AddLinkReflink_StoresAnIndependentCopyAndLeavesTheFileWritable()
    {
        using var ws = TempWorkspace.Init();
        ws.WriteBytes("model.bin", AddStatusCheckoutTests.RandomBytes(5 << 20, 23));
        var mode = File.GetUnixFileMode(ws.PathOf("model.bin"));

        var add = ws.Keel("add", "model.bin", "--link", "reflink", "--json");

        Assert.True(add.ExitCode == 0, add.ToString());
        var stored = ws.ObjectPath(add.Json().GetProperty("digest").GetString()!);
        Assert.NotEqual(Inode(ws.PathOf("model.bin")), Inode(stored));
        Assert.Equal(File.ReadAllBytes(ws.PathOf("model.bin")), File.ReadAllBytes(stored));
        Assert.Equal(mode, File.GetUnixFileMode(ws.PathOf("model.bin")));
        Assert.Equal(0, ws.Keel("fsck").ExitCode);
    }

    [Fact]
    public void AddLink_UnknownMode_Exit2OneLineNothingStored()
    {
        using var ws = TempWorkspace.Init();
        ws.Write("a.txt", "a");

        var r = ws.Keel("add", "a.txt", "--link", "symlink");

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
        Assert.Contains("--link is copy, hardlink or reflink", r.Stderr, StringComparison.Ordinal);
        Assert.Empty(ws.ObjectFiles());
    }

    [Fact]
    public void Status_IndexMissingOrDamaged_RebuiltWithTheSameAnswer()
    {
        using var ws = TempWorkspace.Init();
        ws.WriteTree("raw", 15, seed: 24);
        Assert.Equal(0, ws.Keel("add", "raw").ExitCode);
        var index = Path.Combine(ws.KeelDir, "status", "raw");
        Assert.True(File.Exists(index));
        ws.Write("raw/sub2/f0002.bin", "changed");

        var fresh = Changes(ws);
        File.Delete(index);
        var rebuilt = Changes(ws);
        Assert.True(File.Exists(index));
        File.WriteAllBytes(index, AddStatusCheckoutTests.RandomBytes(5000, 25));
        var afterGarbage = Changes(ws);

        Assert.Equal(["raw/sub2/f0002.bin:modified"], fresh);
        Assert.Equal(fresh, rebuilt);
        Assert.Equal(fresh, afterGarbage);
    }

    [Fact]
    public void Status_AfterCheckoutOfOlderVersion_ModifiedAgainstLatest()
    {
        using var ws = TempWorkspace.Init();
        ws.WriteTree("raw", 6, seed: 26);
        Assert.Equal(0, ws.Keel("add", "raw").ExitCode);
        ws.Write("raw/sub1/f0001.bin", "second version");
        Assert.Equal(0, ws.Keel("add", "raw").ExitCode);
        Assert.Equal("unchanged", Status(ws).GetProperty("state").GetString());

        Assert.Equal(0, ws.Keel("checkout", "raw@1").ExitCode);

        Assert.Equal(["raw/sub1/f0001.bin:modified"], Changes(ws));
    }

    [Fact]
    public void Status_SingleFileDataset_UnchangedModifiedDeleted()
    {
        using var ws = TempWorkspace.Init();
        ws.Write("model.bin", "weights");
        Assert.Equal(0, ws.Keel("add", "model.bin").ExitCode);
        Assert.Equal("unchanged", Status(ws).GetProperty("state").GetString());

        ws.Write("model.bin", "other weights");
        Assert.Equal(["model.bin:modified"], Changes(ws));

        File.Delete(ws.PathOf("model.bin"));
        Assert.Equal("deleted", Status(ws).GetProperty("state").GetString());
    }

    [Fact]
    public void Status_SameSizeRewriteInPlaceWithMtimePutBack_Modified()
    {
        // What `cp -p`, `touch -d` or an archive extractor leaves behind: same inode, size and
        // mtime, other bytes. Only the ctime moved; status and add must both see it.
        using var ws = TempWorkspace.Init();
        ws.WriteTree("raw", 6, seed: 27);
        var file = ws.PathOf("raw/sub1/f0001.bin");
        var mtime = DateTime.UtcNow.AddHours(-1);
        foreach (var f in Directory.EnumerateFiles(ws.PathOf("raw"), "*", SearchOption.AllDirectories)) File.SetLastWriteTimeUtc(f, mtime);
        Assert.Equal(0, ws.Keel("add", "raw").ExitCode);
        Assert.Equal("unchanged", Status(ws).GetProperty("state").GetString());
        var bytes = File.ReadAllBytes(file);

        bytes[0] ^= 0xFF;
        using (var stream = new FileStream(file, FileMode.Open, FileAccess.Write)) stream.Write(bytes);
        File.SetLastWriteTimeUtc(file, mtime);

        Assert.Equal(["raw/sub1/f0001.bin:modified"], Changes(ws));
        var add = ws.Keel("add", "raw", "--json");
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.Equal(2, add.Json().GetProperty("version").GetInt32());
    }

    private static string Digest(TempWorkspace ws, string file)
    {
        var show = ws.Keel("datasets", "show", "raw", "--files", "--json").Json();
        var rel = file["raw/".Length..];
        return show.GetProperty("files").EnumerateArray().First(f => f.GetProperty("path").GetString() == rel).GetProperty("digest").GetString()!;
    }

    private static ulong Inode(string path) => Keel.Objects.FileStat.Of(path)!.Value.Inode;

    private static JsonElement Status(TempWorkspace ws)
    {
        var r = ws.Keel("status", "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.Json().GetProperty("datasets")[0];
    }

    private static string[] Changes(TempWorkspace ws) =>
        Status(ws).GetProperty("changes").EnumerateArray()
            .Select(c => c.GetProperty("path").GetString() + ":" + c.GetProperty("state").GetString()).ToArray();
}
