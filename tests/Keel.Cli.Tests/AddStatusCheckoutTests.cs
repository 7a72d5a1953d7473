using System.Text.Json;

namespace Keel.Cli.Tests;

public sealed class AddStatusCheckoutTests
{
    [Fact]
    public void Add_DirectoryJson_HasRefNameVersionDigest()
    {
        using var ws = TempWorkspace.Init();
        ws.WriteTree("raw", 10, seed: 1);

        var r = ws.Keel("add", "raw", "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        var json = r.Json();
        Assert.Equal("raw@1", json.GetProperty("ref").GetString());
        Assert.Equal("raw", json.GetProperty("name").GetString());
        Assert.Equal(1, json.GetProperty("version").GetInt32());
        Assert.Matches("^blake3:[0-9a-f]{64}$", json.GetProperty("digest").GetString());
        Assert.Equal(10, json.GetProperty("files").GetInt32());
        Assert.False(json.GetProperty("unchanged").GetBoolean());
        Assert.True(File.Exists(ws.ObjectPath(json.GetProperty("digest").GetString()!)));
    }

    [Fact]
    public void Hash_Directory_GivesTheDigestAddRecords()
    {
        using var ws = TempWorkspace.Init();
        ws.WriteTree("raw", 12, seed: 7);
        var added = ws.Keel("add", "raw", "--json").Json().GetProperty("digest").GetString();

        var r = ws.Keel("hash", "raw");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(added, r.Stdout.Trim());
    }

    [Fact]
    public void AddThenCheckout_AfterDeletingTree_RestoresEveryByteAndMode()
    {
        using var ws = TempWorkspace.Init();
        ws.WriteTree("raw", 40, seed: 2, maxBytes: 200_000);
        ws.WriteBytes("raw/big.bin", RandomBytes(5 << 20, 3));
        File.SetUnixFileMode(ws.PathOf("raw/sub1/f0001.bin"), (UnixFileMode)0b111_101_101);
        var before = TreeAssert.Snapshot(ws.PathOf("raw"));
        Assert.Equal(0, ws.Keel("add", "raw").ExitCode);

        Directory.Delete(ws.PathOf("raw"), recursive: true);
        var r = ws.Keel("checkout", "raw@1");

        Assert.True(r.ExitCode == 0, r.ToString());
        TreeAssert.Matches(before, ws.PathOf("raw"));
        Assert.True((File.GetUnixFileMode(ws.PathOf("raw/sub1/f0001.bin")) & UnixFileMode.UserExecute) != 0);
        Assert.Equal("unchanged", Status(ws).GetProperty("state").GetString());
    }

    [Fact]
    public void AddThenCheckout_SingleFile_RestoresBytes()
    {
        using var ws = TempWorkspace.Init();
        var bytes = RandomBytes(123_457, 4);
        ws.WriteBytes("model.bin", bytes);
        var add = ws.Keel("add", "model.bin", "--json");
        Assert.Equal("model@1", add.Json().GetProperty("ref").GetString());

        ws.WriteBytes("model.bin", RandomBytes(10, 5));
        var r = ws.Keel("checkout", "model@1", "--force");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(bytes, File.ReadAllBytes(ws.PathOf("model.bin")));
    }

    [Fact]
    public void Add_Unchanged_SaysUnchangedAndKeepsVersion()
    {
        using var ws = TempWorkspace.Init();
        ws.WriteTree("raw", 5, seed: 6);
        var first = ws.Keel("add", "raw", "--json").Json();

        var text = ws.Keel("add", "raw");
        var json = ws.Keel("add", "raw", "--json").Json();

        Assert.Contains("unchanged", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("raw@1", text.Stdout, StringComparison.Ordinal);
        Assert.True(json.GetProperty("unchanged").GetBoolean());
        Assert.Equal(first.GetProperty("digest").GetString(), json.GetProperty("digest").GetString());
        Assert.Equal(1, json.GetProperty("version").GetInt32());
        Assert.Single(ws.Keel("log", "raw", "--json").Json().GetProperty("versions").EnumerateArray());
    }

    [Fact]
    public void Status_ModifiedAddedDeleted_EachReported()
    {
        using var ws = TempWorkspace.Init();
        ws.WriteTree("raw", 9, seed: 7);
        Assert.Equal(0, ws.Keel("add", "raw").ExitCode);
        Assert.Equal("unchanged", Status(ws).GetProperty("state").GetString());

        // Same size, different bytes: only the hash can tell.
        var modified = ws.PathOf("raw/sub1/f0001.bin");
        var bytes = File.ReadAllBytes(modified);
        bytes[0] ^= 0xFF;
        File.WriteAllBytes(modified, bytes);
        ws.Write("raw/new.txt", "new");
        File.Delete(ws.PathOf("raw/sub2/f0002.bin"));

        var status = Status(ws);

        Assert.Equal("modified", status.GetProperty("state").GetString());
        var changes = status.GetProperty("changes").EnumerateArray()
            .ToDictionary(c => c.GetProperty("path").GetString()!, c => c.GetProperty("state").GetString());
        Assert.Equal(
            new Dictionary<string, string?> { ["raw/sub1/f0001.bin"] = "modified", ["raw/new.txt"] = "added", ["raw/sub2/f0002.bin"] = "deleted" },
            changes);
        var text = ws.Keel("status").Stdout;
        Assert.Contains("modified   raw/sub1/f0001.bin", text, StringComparison.Ordinal);
        Assert.Contains("added      raw/new.txt", text, StringComparison.Ordinal);
        Assert.Contains("deleted    raw/sub2/f0002.bin", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Status_TrackedDirectoryRemoved_Deleted()
    {
        using var ws = TempWorkspace.Init();
        ws.WriteTree("raw", 3, seed: 8);
        ws.Keel("add", "raw");
        Directory.Delete(ws.PathOf("raw"), recursive: true);

        Assert.Equal("deleted", Status(ws).GetProperty("state").GetString());
    }

    [Fact]
    public void CheckoutOutput_OlderVersionToNewDir_EqualsThatVersion()
    {
        using var ws = TempWorkspace.Init();
        ws.WriteTree("raw", 12, seed: 9);
        var v1 = TreeAssert.Snapshot(ws.PathOf("raw"));
        ws.Keel("add", "raw");
        ws.Write("raw/extra.csv", "a,b\n");
        File.WriteAllText(ws.PathOf("raw/f0000.bin"), "now not empty");
        Assert.Equal("raw@2", ws.Keel("add", "raw", "--json").Json().GetProperty("ref").GetString());
        var v2 = TreeAssert.Snapshot(ws.PathOf("raw"));

        var r1 = ws.Keel("checkout", "raw@1", "-o", "out/v1");
        var r2 = ws.Keel("checkout", "raw@2", "-o", "out/v2", "--json");

        Assert.True(r1.ExitCode == 0, r1.ToString());
        TreeAssert.Matches(v1, ws.PathOf("out/v1"));
        TreeAssert.Matches(v2, ws.PathOf("out/v2"));
        Assert.Equal(ws.PathOf("out/v2"), r2.Json().GetProperty("target").GetString());
        TreeAssert.Matches(v2, ws.PathOf("raw"));
    }

    [Fact]
    public void Checkout_EditCheckedOutFile_StoredObjectUnchangedAndFsckPasses()
    {
        using var ws = TempWorkspace.Init();
        ws.WriteTree("raw", 4, seed: 10);
        ws.Keel("add", "raw");
        ws.Keel("checkout", "raw@1", "-o", "copy");
        var objectsBefore = ws.ObjectFiles().ToDictionary(f => f, File.ReadAllBytes);

        foreach (var file in Directory.EnumerateFiles(ws.PathOf("copy"), "*", SearchOption.AllDirectories))
            File.AppendAllText(file, "edited");
        foreach (var file in Directory.EnumerateFiles(ws.PathOf("raw"), "*", SearchOption.AllDirectories))
            File.WriteAllText(file, "overwritten");

        foreach (var (file, bytes) in objectsBefore) Assert.Equal(bytes, File.ReadAllBytes(file));
        var fsck = ws.Keel("fsck");
        Assert.True(fsck.ExitCode == 0, fsck.ToString());
    }

    [Fact]
    public void DatasetsListShowAndLog_Json_CarryRefNameVersionDigest()
    {
        using var ws = TempWorkspace.Init();
        ws.WriteTree("raw", 3, seed: 11);
        ws.Write("labels.csv", "y\n1\n");
        ws.Keel("add", "raw", "-m", "first");
        ws.Keel("add", "labels.csv");
        ws.Write("raw/more.txt", "more");
        ws.Keel("add", "raw");

        var list = ws.Keel("datasets", "list", "--json").Json().GetProperty("datasets").EnumerateArray().ToList();
        var show = ws.Keel("datasets", "show", "raw@1", "--files", "--json").Json();
        var log = ws.Keel("log", "raw", "--json").Json();

        Assert.Equal(["labels@1", "raw@2"], list.Select(d => d.GetProperty("ref").GetString()));
        foreach (var d in list)
        {
            Assert.Equal(JsonValueKind.String, d.GetProperty("name").ValueKind);
            Assert.Equal(JsonValueKind.Number, d.GetProperty("version").ValueKind);
            Assert.StartsWith("blake3:", d.GetProperty("digest").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal("first", show.GetProperty("dataset").GetProperty("message").GetString());
        Assert.Equal(3, show.GetProperty("files").GetArrayLength());
        Assert.Equal(["raw@2", "raw@1"], log.GetProperty("versions").EnumerateArray().Select(v => v.GetProperty("ref").GetString()));
    }

    private static JsonElement Status(TempWorkspace ws)
    {
        var r = ws.Keel("status", "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.Json().GetProperty("datasets")[0];
    }

    internal static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
