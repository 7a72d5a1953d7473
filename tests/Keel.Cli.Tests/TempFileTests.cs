using System.Diagnostics;

namespace Keel.Cli.Tests;

/// <summary>Temp files in <c>objects/tmp</c>: a killed writer's go at the next write, a live writer's stay.</summary>
public sealed class TempFileTests
{
    [Fact]
    public void Add_AfterAddKilledMidCopy_LeavesNoTempFile()
    {
        // Given an add of a large file killed (SIGKILL) while its temp copy was being written
        using var ws = TempWorkspace.Init();
        var random = new Random(95);
        using (var big = File.Create(ws.PathOf("big.bin")))
        {
            var chunk = new byte[4 << 20];
            for (var i = 0; i < 96; i++)
            {
                random.NextBytes(chunk);
                big.Write(chunk);
            }
        }
        var tmp = Path.Combine(ws.ObjectsDir, "tmp");
        using (var add = KeelProcess.Start(ws.Root, "add", "big.bin"))
        {
            var clock = Stopwatch.StartNew();
            while (!add.HasExited && clock.Elapsed < TimeSpan.FromSeconds(30) && !TempFiles(tmp).Any()) Thread.Sleep(1);
            add.Kill();
            add.WaitForExit();
        }
        Assert.True(TempFiles(tmp).Any(), "the add was not killed mid-copy: nothing to clean up");

        // When the next command writes to the store
        ws.Write("small.txt", "a,b\n1,2\n");
        var next = ws.Keel("add", "small.txt");

        // Then the killed add's temp file is gone, and nothing else of it is left
        Assert.True(next.ExitCode == 0, next.ToString());
        Assert.Empty(TempFiles(tmp));
        Assert.Empty(Directory.EnumerateDirectories(tmp));
        Assert.Equal(0, ws.Keel("fsck").ExitCode);
    }

    [Fact]
    public void Add_TempFolderOfLiveProcess_KeptUntilThatProcessEnds()
    {
        // Given a temp folder whose owner is alive (another process holds its lock)
        using var ws = TempWorkspace.Init();
        var owned = Path.Combine(ws.ObjectsDir, "tmp", "owner-1-0123456789abcdef");
        Directory.CreateDirectory(owned);
        File.WriteAllText(Path.Combine(owned, "half-written"), "not yet an object");
        using var owner = Process.Start(new ProcessStartInfo("flock", ["--exclusive", owned, "sleep", "30"]) { UseShellExecute = false })!;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10) && !File.ReadLines("/proc/locks").Any(l => l.Contains($" {owner.Id} ", StringComparison.Ordinal))) Thread.Sleep(10);

        // When another add (and gc) run
        ws.Write("a.txt", "x\n1\n");
        var add = ws.Keel("add", "a.txt");
        var gc = ws.Keel("gc", "--grace", "0s");

        // Then the live owner's file is still there
        Assert.True(add.ExitCode == 0, add.ToString());
        Assert.True(gc.ExitCode == 0, gc.ToString());
        Assert.True(File.Exists(Path.Combine(owned, "half-written")));

        // And once its owner is gone, the next add removes it
        owner.Kill(entireProcessTree: true);
        owner.WaitForExit();
        ws.Write("b.txt", "x\n2\n");
        Assert.Equal(0, ws.Keel("add", "b.txt").ExitCode);
        Assert.False(Directory.Exists(owned));
    }

    private static IEnumerable<string> TempFiles(string tmp) =>
        Directory.Exists(tmp) ? Directory.EnumerateFiles(tmp, "*", SearchOption.AllDirectories) : [];
}
