using System.Diagnostics;
using System.Globalization;

namespace Keel.Cli.Tests.Pipelines;

/// <summary>A stage's processes, grandchildren included, never outlive the keel that started them.</summary>
public sealed class StageLifetimeTests : IDisposable
{
    private readonly PipelineCli _cli = new();

    public void Dispose() => _cli.Dispose();

    /// <summary>A stage that starts a sleeping grandchild and one that ignores SIGTERM, writes their pids, then waits.</summary>
    private string SpawningStage(string pids, string started) => $"""
        stages:
          spawn:
            cmd: (trap '' TERM; sleep 301) & echo $! >> {pids}; sleep 302 & echo $! >> {pids}; echo $$ >> {pids}; touch {started}; wait
            outs: [never.txt]
        """;

    // nohup starts keel with SIGHUP ignored, which keel's children inherit: a shell cannot trap a
    // signal ignored when it started, so the supervisor must reset it (this case failed before).
    [Theory]
    [InlineData("KILL", false)]
    [InlineData("KILL", true)]
    [InlineData("TERM", false)]
    public void Run_KeelSignalled_EveryStageProcessDiesWithIt(string signal, bool underNohup)
    {
        // Given a run whose stage has spawned grandchildren, one of them deaf to SIGTERM
        var pids = Path.Combine(_cli.Outside, "pids");
        var started = Path.Combine(_cli.Outside, "started");
        _cli.Write("keel.yaml", SpawningStage(pids, started));
        using var keel = underNohup ? _cli.StartUnder("/usr/bin/nohup", "run") : _cli.Start("run");
        WaitFor(() => File.Exists(started), "the stage never started");
        var stage = ReadPids(pids);
        Assert.Equal(3, stage.Count);
        Assert.All(stage, p => Assert.True(Alive(p), $"pid {p} should be running"));

        // When keel alone gets the signal (SIGKILL leaves it no chance to clean up)
        Signal(keel.Id, signal);

        // Then keel ends, and within a short time no process of the stage is left
        Assert.True(keel.WaitForExit(TimeSpan.FromSeconds(30)), $"keel did not stop on SIG{signal}");
        WaitFor(() => stage.All(p => !Alive(p)), $"stage processes still alive: {string.Join(", ", stage.Where(Alive))}");
    }

    [Fact]
    public void Run_LeftoverGroupOfADeadKeel_IsReapedByTheNextRun()
    {
        // Given a process group recorded by a keel that is gone (pid 2^22 + 1 never exists), and one
        // recorded by a keel that still runs (this test), which must be left alone
        _cli.Write("keel.yaml", """
            stages:
              hello:
                cmd: echo hi > hello.txt
                outs: [hello.txt]
            """);
        using var orphan = StartGroup();
        using var live = StartGroup();
        var records = _cli.PathOf(".keel/processes");
        Directory.CreateDirectory(records);
        File.WriteAllText(Path.Combine(records, orphan.Id.ToString(CultureInfo.InvariantCulture)), $"4194305 1 {orphan.Id} {StartTime(orphan.Id)}\n");
        File.WriteAllText(Path.Combine(records, live.Id.ToString(CultureInfo.InvariantCulture)),
            $"{Environment.ProcessId} {StartTime(Environment.ProcessId)} {live.Id} {StartTime(live.Id)}\n");
        var orphans = GroupMembers(orphan.Id);
        Assert.Equal(3, orphans.Count);

        // When the next run starts
        var run = _cli.Run("run");

        // Then it ends the dead keel's group (grandchildren included) and runs normally; the live keel's group runs on
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("hi\n", _cli.Read("hello.txt"));
        WaitFor(() => orphans.All(p => !Alive(p)), "the leftover group was not reaped");
        Assert.True(Alive(live.Id), "a group whose keel is alive was killed");
        Assert.Equal([live.Id.ToString(CultureInfo.InvariantCulture)], Directory.GetFiles(records).Select(Path.GetFileName));
        live.Kill(entireProcessTree: true);
    }

    [Fact]
    public void Run_NormalStage_EndsItsBackgroundProcessesAndLeavesNoRecord()
    {
        var pids = Path.Combine(_cli.Outside, "pids");
        _cli.Write("keel.yaml", $"""
            stages:
              bg:
                cmd: sleep 303 & echo $! > {pids}; echo done > out.txt
                outs: [out.txt]
            """);

        var run = _cli.Run("run");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("done\n", _cli.Read("out.txt"));
        var left = ReadPids(pids);
        WaitFor(() => left.All(p => !Alive(p)), "the stage's background process outlived it");
        Assert.Empty(Directory.GetFiles(_cli.PathOf(".keel/processes")));
    }

    /// <summary>A session of its own (setsid) running two sleeping children, like a stage a dead keel left.</summary>
    private static Process StartGroup()
    {
        var psi = new ProcessStartInfo("setsid") { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var a in (string[])["bash", "-c", "sleep 304 & sleep 305 & wait"]) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        WaitFor(() => GroupMembers(p.Id).Count == 3, "the leftover group did not start");
        return p;
    }

    private static List<int> GroupMembers(int group)
    {
        var found = new List<int>();
        foreach (var d in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            if (Stat(pid) is { } f && f[2] == group.ToString(CultureInfo.InvariantCulture) && f[0] != "Z") found.Add(pid);
        }
        return found;
    }

    private static List<int> ReadPids(string file) =>
        [.. File.ReadAllLines(file).Where(l => l.Length > 0).Select(l => int.Parse(l, CultureInfo.InvariantCulture))];

    /// <summary>Running and not a zombie (a killed orphan may wait a moment for its reaper).</summary>
    private static bool Alive(int pid) => Stat(pid) is { } f && f[0] != "Z";

    private static string StartTime(int pid) => Stat(pid)![19];

    /// <summary>The fields of /proc/PID/stat after the command name: state, ppid, pgrp, ...</summary>
    private static string[]? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static void Signal(int pid, string signal)
    {
        using var kill = Process.Start("kill", $"-{signal} {pid}");
        kill.WaitForExit();
    }

    private static void WaitFor(Func<bool> condition, string message)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), message);
            Thread.Sleep(50);
        }
    }
}
