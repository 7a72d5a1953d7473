using System.Diagnostics;

namespace Keel.Cli.Tests.Tracking;

public sealed class DeadRunTests : IDisposable
{
    private readonly TrackingCli _cli = new();

    [Fact]
    public void RunsList_OwnerProcessKilled_ShowsTheRunAsKilled()
    {
        Assert.Equal(0, _cli.Keel("init", ".").ExitCode);
        var pidFile = Path.Combine(_cli.Dir, "child.pid");
        // The launcher execs the binary, so this process is keel exec itself.
        using var keel = _cli.Start(TrackingCli.Launcher, ["exec", "--name", "doomed", "--", "bash", "-c", $"echo $$ > {pidFile}; exec sleep 120"]);
        var sw = Stopwatch.StartNew();
        while (!File.Exists(pidFile) || new FileInfo(pidFile).Length == 0)
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(60), "the tracked command never started");
            Thread.Sleep(100);
        }
        Assert.Equal("running", _cli.Keel("runs", "list", "--json").Json.GetProperty("runs")[0].GetProperty("status").GetString());

        keel.Kill();
        keel.WaitForExit();
        var child = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            using var orphan = Process.GetProcessById(child);
            orphan.Kill();
        }
        catch (ArgumentException)
        {
        }

        var run = _cli.Keel("runs", "list", "--json").Json.GetProperty("runs")[0];
        Assert.Equal("killed", run.GetProperty("status").GetString());
        Assert.Contains("is gone", run.GetProperty("end_reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Exec_CommandKilledBySignal_IsRecordedAsKilled()
    {
        Assert.Equal(0, _cli.Keel("init", ".").ExitCode);
        var r = _cli.Keel("exec", "--", "bash", "-c", "kill -9 $$");
        Assert.Equal(137, r.ExitCode);
        var run = _cli.Keel("runs", "list", "--json").Json.GetProperty("runs")[0];
        Assert.Equal("killed", run.GetProperty("status").GetString());
        Assert.Equal(137, run.GetProperty("exit_code").GetInt32());
    }

    public void Dispose() => _cli.Dispose();
}
