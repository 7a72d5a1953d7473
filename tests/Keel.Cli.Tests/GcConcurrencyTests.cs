using System.Diagnostics;
using Xunit.Abstractions;

namespace Keel.Cli.Tests;

/// <summary><c>keel gc</c> against writers running at the same time: real processes of the real binary.</summary>
public sealed class GcConcurrencyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Gc_StartedWithAddOverLeftoverObjects_NothingMissingInAnyTrial()
    {
        // Given objects a killed add left behind (stored, no version refers to them yet)
        using var template = TempWorkspace.Init();
        template.WriteTree("raw", 400, seed: 90, maxBytes: 30_000);
        Assert.Equal(0, template.Keel("add", "raw").ExitCode);
        var random = new Random(91);
        var failures = new List<string>();
        const int Trials = 8;
        for (var trial = 0; trial < Trials; trial++)
        {
            using var ws = TempWorkspace.Init();
            CopyTree(template.PathOf("raw"), ws.PathOf("raw"));
            foreach (var dir in Directory.EnumerateDirectories(template.ObjectsDir).Where(d => Path.GetFileName(d).Length == 2))
                CopyTree(dir, Path.Combine(ws.ObjectsDir, Path.GetFileName(dir)));

            // When an add that reuses them and gc --grace 0s start together
            using var add = KeelProcess.Start(ws.Root, "add", "raw", "--json");
            Thread.Sleep(random.Next(0, 120));
            using var gc = KeelProcess.Start(ws.Root, "gc", "--grace", "0s", "--json");
            var addOut = add.StandardOutput.ReadToEndAsync();
            var addErr = add.StandardError.ReadToEndAsync();
            var gcOut = gc.StandardOutput.ReadToEndAsync();
            var gcErr = gc.StandardError.ReadToEndAsync();
            Assert.True(add.WaitForExit(60_000) && gc.WaitForExit(60_000), "add or gc hung");
            var (addError, gcText, gcError) = (await addErr, (await gcOut).Trim(), await gcErr);
            await addOut;

            // Then the add succeeded and everything its version needs is stored
            var fsck = ws.Keel("fsck", "--json");
            output.WriteLine($"trial {trial}: add exit {add.ExitCode}, gc exit {gc.ExitCode} {gcText}, fsck exit {fsck.ExitCode}");
            if (add.ExitCode != 0) failures.Add($"trial {trial}: add failed: {addError}");
            if (gc.ExitCode != 0) failures.Add($"trial {trial}: gc failed: {gcError}");
            if (fsck.ExitCode != 0)
            {
                var missing = fsck.Stdout.Split('\n').Count(l => l.Contains("missing", StringComparison.Ordinal));
                failures.Add($"trial {trial}: fsck exit {fsck.ExitCode}, {missing} line(s) naming a missing object");
            }
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public void Gc_WriterStillRunning_WaitsThenRefusesNamingIt()
    {
        // Given a tracked command that has stored its capture and is still running
        using var ws = TempWorkspace.Init();
        using var exec = KeelProcess.Start(ws.Root, "exec", "--", "sleep", "20");
        var lockFile = Path.Combine(ws.ObjectsDir, "lock");
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(20) && !HeldShared(lockFile, exec.Id)) Thread.Sleep(20);
        Assert.True(HeldShared(lockFile, exec.Id), "keel exec never took the store lock");

        // When gc runs with a short wait
        var gc = ws.Keel("gc", "--grace", "0s", "--wait", "1s");
        exec.Kill();
        exec.WaitForExit();

        // Then it refuses on one line naming the writer, and deleted nothing
        Assert.NotEqual(0, gc.ExitCode);
        Assert.Contains("keel exec", gc.Stderr, StringComparison.Ordinal);
        Assert.Contains($"pid {exec.Id}", gc.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", gc.Stderr, StringComparison.Ordinal);

        // And once the writer is gone (killed: the kernel drops its lock) gc runs
        Assert.Equal(0, ws.Keel("gc", "--grace", "0s", "--wait", "5s").ExitCode);
    }

    private static bool HeldShared(string lockFile, int pid)
    {
        if (Keel.Objects.FileStat.Of(lockFile) is not { } st) return false;
        var inode = ":" + st.Inode.ToString(System.Globalization.CultureInfo.InvariantCulture) + " ";
        return File.ReadLines("/proc/locks").Any(l => l.Contains($" {pid} ", StringComparison.Ordinal) && l.Contains(inode, StringComparison.Ordinal));
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
