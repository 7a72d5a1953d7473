using Keel.Objects;

namespace Keel.Cli.Tests;

/// <summary>
/// <c>keel fsck --repair</c> and <c>keel add</c> after damage, on a project keel's examples do
/// not have: a hand-written CSV under data/ and a folder of JSON files.
/// </summary>
public sealed class FsckRepairTests
{
    private const string Csv = "sepal,petal,label\n5.1,1.4,a\n6.2,4.5,b\n5.9,5.1,c\n";

    private static string AddCsv(TempWorkspace ws)
    {
        ws.Write("data/flowers.csv", Csv);
        var r = ws.Keel("add", "data/flowers.csv", "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        return r.Json().GetProperty("digest").GetString()!;
    }

    private static void FlipByte(string path)
    {
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x20;
        File.WriteAllBytes(path, bytes);
        File.SetUnixFileMode(path, UnixFileMode.UserRead);
    }

    [Fact]
    public void FsckRepair_FlippedByteAndTheFileIsStillThere_RestoresFromItAndKeepsTheDamagedBytes()
    {
        // Given a versioned CSV whose stored object has one flipped byte
        using var ws = TempWorkspace.Init();
        var digest = AddCsv(ws);
        FlipByte(ws.ObjectPath(digest));
        var damaged = File.ReadAllBytes(ws.ObjectPath(digest));

        // When fsck finds it and its advice is followed
        var found = ws.Keel("fsck");
        var repair = ws.Keel("fsck", "--repair");
        var after = ws.Keel("fsck");

        // Then the advice names the repair, the repair mends it from the workspace file, and the damaged bytes are kept aside
        Assert.Equal(1, found.ExitCode);
        Assert.Contains("keel fsck --repair", found.Stdout, StringComparison.Ordinal);
        Assert.True(repair.ExitCode == 0, repair.ToString());
        Assert.Contains($"restored {digest} from workspace file data/flowers.csv", repair.Stdout, StringComparison.Ordinal);
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.Equal(Csv, File.ReadAllText(ws.ObjectPath(digest)));
        var kept = Path.Combine(ws.ObjectsDir, "damaged", digest[7..]);
        Assert.Equal(damaged, File.ReadAllBytes(kept));
    }

    [Fact]
    public void FsckRepair_NoFileOrRemoteHasIt_Exit1NamesItAndAddThenStoresItAgain()
    {
        // Given a damaged object whose file has left the workspace
        using var ws = TempWorkspace.Init();
        var digest = AddCsv(ws);
        FlipByte(ws.ObjectPath(digest));
        File.Move(ws.PathOf("data/flowers.csv"), ws.PathOf("flowers.bak"));

        // When the repair finds nothing to restore from
        var repair = ws.Keel("fsck", "--repair");

        // Then it says so, exits 1, and has moved the damaged object aside (not deleted it)
        Assert.True(repair.ExitCode == 1, repair.ToString());
        Assert.Contains($"NOT restored {digest}", repair.Stdout, StringComparison.Ordinal);
        Assert.Contains("flowers@1", repair.Stdout, StringComparison.Ordinal);
        Assert.Contains("keel add PATH", repair.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(ws.ObjectPath(digest)));
        Assert.True(File.Exists(Path.Combine(ws.ObjectsDir, "damaged", digest[7..])));

        // When the original file comes back and is added again (the stat cache knows it)
        File.Move(ws.PathOf("flowers.bak"), ws.PathOf("data/flowers.csv"));
        var add = ws.Keel("add", "data/flowers.csv");

        // Then add stores it again instead of answering a bare "unchanged", and fsck is clean
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.Contains("1 missing object(s) stored again", add.Stdout, StringComparison.Ordinal);
        var fsck = ws.Keel("fsck");
        Assert.True(fsck.ExitCode == 0, fsck.ToString());
    }

    [Fact]
    public void Add_StoredObjectTruncated_HashesTheFileAgainAndReplacesIt()
    {
        // Given a versioned file whose object lost its tail (the stat cache still matches the file)
        using var ws = TempWorkspace.Init();
        var digest = AddCsv(ws);
        var path = ws.ObjectPath(digest);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(path, Csv[..10]);

        // When it is added again
        var add = ws.Keel("add", "data/flowers.csv");

        // Then the object is whole again and fsck agrees
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.Equal(Csv, File.ReadAllText(path));
        var fsck = ws.Keel("fsck");
        Assert.True(fsck.ExitCode == 0, fsck.ToString());
    }

    [Fact]
    public void FsckRepair_FolderRemoteHasIt_RestoresTheVerifiedCopy()
    {
        // Given a workspace that pushed to a folder remote, then lost the file and damaged the object
        using var ws = TempWorkspace.Init();
        using var remote = TempWorkspace.Empty();
        var digest = AddCsv(ws);
        Assert.Equal(0, ws.Keel("remote", "add", "team", "file:" + remote.Root).ExitCode);
        Assert.Equal(0, ws.Keel("remote", "push").ExitCode);
        File.Delete(ws.PathOf("data/flowers.csv"));
        FlipByte(ws.ObjectPath(digest));

        // When it is repaired
        var repair = ws.Keel("fsck", "--repair", "--json");

        // Then the remote's copy is back, and nothing is left to restore
        Assert.True(repair.ExitCode == 0, repair.ToString());
        var restored = Assert.Single(repair.Json().GetProperty("restored").EnumerateArray());
        Assert.Equal("remote team", restored.GetProperty("source").GetString());
        Assert.Empty(repair.Json().GetProperty("not_restored").EnumerateArray());
        Assert.Equal(Csv, File.ReadAllText(ws.ObjectPath(digest)));
    }

    [Fact]
    public void FsckRepair_DamagedManifestOfAFolder_RebuildsItFromTheFolderThenItsFiles()
    {
        // Given a folder dataset whose manifest and one file object are damaged
        using var ws = TempWorkspace.Init();
        ws.Write("runs/a.json", "{\"auc\": 0.91}\n");
        ws.Write("runs/b.json", "{\"auc\": 0.88}\n");
        var manifest = ws.Keel("add", "runs", "--json").Json().GetProperty("digest").GetString()!;
        var file = ws.Keel("datasets", "show", "runs@1", "--files", "--json").Json().GetProperty("files")[0].GetProperty("digest").GetString()!;
        FlipByte(ws.ObjectPath(manifest));
        FlipByte(ws.ObjectPath(file));

        // When it is repaired
        var repair = ws.Keel("fsck", "--repair");

        // Then both are restored from the workspace folder and fsck is clean
        Assert.True(repair.ExitCode == 0, repair.ToString());
        Assert.Contains($"restored {manifest} from workspace folder runs", repair.Stdout, StringComparison.Ordinal);
        Assert.Contains($"restored {file} from workspace file runs/", repair.Stdout, StringComparison.Ordinal);
        Assert.Equal(0, ws.Keel("fsck").ExitCode);
    }

    [Fact]
    public void FsckRepair_KilledMidway_EveryObjectIsIntactOrAsDamagedAsBeforeAndARerunFinishes()
    {
        // Given 120 versioned files whose objects all have a flipped byte
        using var ws = TempWorkspace.Init();
        for (var i = 0; i < 120; i++) ws.Write($"rows/part-{i:D3}.csv", $"id,value\n{i},{i * 0.5}\n" + new string('r', 2000 + i));
        var manifest = ws.Keel("add", "rows", "--json").Json().GetProperty("digest").GetString()!;
        var damaged = ws.ObjectFiles().Where(f => !f.EndsWith(manifest[9..], StringComparison.Ordinal)).ToList();
        foreach (var f in damaged) FlipByte(f);
        var damagedBytes = damaged.ToDictionary(f => f, File.ReadAllBytes);

        foreach (var delayMs in new[] { 250, 500, 750, 1000 })
        {
            // When a repair is killed partway
            using (var process = KeelProcess.Start(ws.Root, "fsck", "--repair"))
            {
                Thread.Sleep(delayMs);
                if (!process.HasExited) process.Kill(entireProcessTree: true);
                process.WaitForExit();
            }

            // Then each object file holds either its own bytes or the damaged ones it had: nothing partial, nothing else lost
            foreach (var f in ws.ObjectFiles())
            {
                var name = Digest.Prefix + Path.GetFileName(Path.GetDirectoryName(f)) + Path.GetFileName(f);
                var actual = ContentHasher.HashFile(f).ToString();
                Assert.True(actual == name || damagedBytes.TryGetValue(f, out var before) && before.AsSpan().SequenceEqual(File.ReadAllBytes(f)), $"{f} hashes to {actual}");
            }
        }

        // And a repair run to the end mends everything
        var rerun = ws.Keel("fsck", "--repair");
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        Assert.Equal(0, ws.Keel("fsck").ExitCode);
        ws.AssertEveryObjectMatchesItsName();
    }

    [Fact]
    public void FsckRepair_UnknownRemote_OneLineExit2()
    {
        using var ws = TempWorkspace.Init();
        AddCsv(ws);

        var r = ws.Keel("fsck", "--repair", "--remote", "nowhere");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("no remote named 'nowhere'", r.Stderr, StringComparison.Ordinal);
        Assert.Single(r.Stderr.Trim().Split('\n'));
    }
}
