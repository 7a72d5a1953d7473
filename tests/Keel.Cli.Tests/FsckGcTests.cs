using Keel.Objects;
using Keel.Testing;

namespace Keel.Cli.Tests;

public sealed class FsckGcTests
{
    [Fact]
    public void Fsck_Healthy_ExitZero()
    {
        using var ws = TempWorkspace.Init();
        ws.WriteTree("raw", 5, seed: 20);
        ws.Keel("add", "raw");

        var r = ws.Keel("fsck", "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.True(r.Json().GetProperty("healthy").GetBoolean());
        Assert.Equal(6, r.Json().GetProperty("objects_checked").GetInt32());
    }

    [Fact]
    public void Fsck_FlippedByteInObject_Exit1NamingDigestAndDataset()
    {
        using var ws = TempWorkspace.Init();
        ws.WriteTree("raw", 5, seed: 21);
        ws.Keel("add", "raw");
        var entry = ws.Keel("datasets", "show", "raw@1", "--files", "--json").Json().GetProperty("files")[2];
        var digest = entry.GetProperty("digest").GetString()!;
        Tamper.FlipByte(ws.ObjectPath(digest));

        var text = ws.Keel("fsck");
        var json = ws.Keel("fsck", "--json");

        Assert.Equal(1, text.ExitCode);
        Assert.Contains(digest, text.Stdout, StringComparison.Ordinal);
        Assert.Contains("corrupt", text.Stdout, StringComparison.Ordinal);
        Assert.Contains("raw@1", text.Stdout, StringComparison.Ordinal);
        Assert.Equal(1, json.ExitCode);
        var damaged = Assert.Single(json.Json().GetProperty("damaged").EnumerateArray());
        Assert.Equal(digest, damaged.GetProperty("digest").GetString());
        Assert.Contains($"raw@1:{entry.GetProperty("path").GetString()}", damaged.GetProperty("referenced_by").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void Fsck_DeletedObject_Exit1NamingDigestAndDataset()
    {
        using var ws = TempWorkspace.Init();
        ws.Write("labels.csv", "y\n1\n0\n");
        var digest = ws.Keel("add", "labels.csv", "--json").Json().GetProperty("digest").GetString()!;
        File.Delete(ws.ObjectPath(digest));

        var r = ws.Keel("fsck");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"{digest} missing", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("labels@1", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Gc_GraceZero_RemovesOnlyUnreferencedAndEveryVersionStillChecksOut()
    {
        using var ws = TempWorkspace.Init();
        ws.WriteTree("raw", 6, seed: 22);
        var v1 = TreeAssert.Snapshot(ws.PathOf("raw"));
        ws.Keel("add", "raw");
        File.WriteAllText(ws.PathOf("raw/f0000.bin"), "changed");
        ws.Keel("add", "raw");
        var v2 = TreeAssert.Snapshot(ws.PathOf("raw"));
        var orphan = StoreOrphan(ws, "nobody refers to me");
        var referenced = ws.ObjectFiles().Where(f => f != orphan).ToList();

        var dry = ws.Keel("gc", "--dry-run", "--grace", "0s", "--json");
        Assert.Equal(1, dry.Json().GetProperty("removed").GetInt32());
        Assert.True(File.Exists(orphan));

        var r = ws.Keel("gc", "--grace", "0s", "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(1, r.Json().GetProperty("removed").GetInt32());
        Assert.Equal(referenced.Count, r.Json().GetProperty("kept").GetInt32());
        Assert.False(File.Exists(orphan));
        Assert.All(referenced, f => Assert.True(File.Exists(f), f));
        Assert.Equal(0, ws.Keel("fsck").ExitCode);
        ws.Keel("checkout", "raw@1", "-o", "v1");
        ws.Keel("checkout", "raw@2", "-o", "v2");
        TreeAssert.Matches(v1, ws.PathOf("v1"));
        TreeAssert.Matches(v2, ws.PathOf("v2"));
    }

    [Fact]
    public void Gc_DefaultGrace_KeepsYoungUnreferencedObject()
    {
        using var ws = TempWorkspace.Init();
        var orphan = StoreOrphan(ws, "young");

        var r = ws.Keel("gc", "--json");

        Assert.Equal(0, r.Json().GetProperty("removed").GetInt32());
        Assert.Equal(1, r.Json().GetProperty("skipped_recent").GetInt32());
        Assert.True(File.Exists(orphan));
    }

    private static string StoreOrphan(TempWorkspace ws, string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        var path = ws.ObjectPath(ContentHasher.Hash(bytes).ToString());
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
