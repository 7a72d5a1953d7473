using System.Diagnostics;
using Xunit.Abstractions;

namespace Keel.Cli.Tests;

public sealed class KillTests(ITestOutputHelper output)
{
    [Fact]
    public void Add_KilledMidway_FsckPassesNoPartialObjectNoHalfVersion()
    {
        // The kill must land while the add works; on a busy machine the add may win the race,
        // so a fresh workspace is tried again (a test that passes without a kill proves nothing).
        TempWorkspace ws = null!;
        Dictionary<string, byte[]> snapshot = null!;
        var landed = false;
        for (var attempt = 1; attempt <= 3 && !landed; attempt++)
        {
            ws?.Dispose();
            ws = TempWorkspace.Init();
            ws.WriteTree("big", 3000, seed: 50, maxBytes: 40_000);
            var random = new Random(51);
            for (var i = 0; i < 2; i++)
            {
                var bytes = new byte[48 << 20];
                random.NextBytes(bytes);
                ws.WriteBytes($"big/large{i}.bin", bytes);
            }
            snapshot = TreeAssert.Snapshot(ws.PathOf("big"));
            landed = KillOnceWorkStarts(ws);
            output.WriteLine(landed ? $"attempt {attempt}: killed while the add was working" : $"attempt {attempt}: the add finished before the kill");
        }
        using var _ = ws;
        Assert.True(landed, "the kill never landed while keel add was working, in 3 attempts");

        var fsck = ws.Keel("fsck", "--json");
        Assert.True(fsck.ExitCode == 0, fsck.ToString());
        ws.AssertEveryObjectMatchesItsName();
        var versions = ws.Keel("datasets", "list", "--json").Json().GetProperty("datasets").GetArrayLength();
        Assert.InRange(versions, 0, 1);
        if (versions == 1)
        {
            ws.Keel("checkout", "big@1", "-o", "restored");
            TreeAssert.Matches(snapshot, ws.PathOf("restored"));
        }

        // The interrupted add is simply run again, and gc clears what the kill left.
        var again = ws.Keel("add", "big", "--json");
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal("big@1", again.Json().GetProperty("ref").GetString());
        Assert.Equal(0, ws.Keel("gc", "--grace", "0s").ExitCode);
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(ws.ObjectsDir, "tmp")));
        ws.Keel("checkout", "big@1", "-o", "after");
        TreeAssert.Matches(snapshot, ws.PathOf("after"));
        Assert.Equal(0, ws.Keel("fsck").ExitCode);
    }

    /// <summary>Starts <c>keel add big</c> and kills it as soon as it has stored something; true if it was still running.</summary>
    private static bool KillOnceWorkStarts(TempWorkspace ws)
    {
        using var process = KeelProcess.Start(ws.Root, "add", "big");
        var clock = Stopwatch.StartNew();
        while (!process.HasExited && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (StoredAnything(ws))
            {
                Thread.Sleep(30);
                break;
            }
            Thread.Sleep(2);
        }
        var running = !process.HasExited;
        if (running) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        return running && process.ExitCode != 0;
    }

    private static bool StoredAnything(TempWorkspace ws)
    {
        try
        {
            return Directory.EnumerateFileSystemEntries(ws.ObjectsDir).Any(e => Path.GetFileName(e) != "tmp")
                || Directory.EnumerateFiles(Path.Combine(ws.ObjectsDir, "tmp")).Any();
        }
        catch (IOException)
        {
            return false;
        }
    }
}
