using System.Diagnostics;
using Keel.Cli.Tests.Pipelines;
using Keel.Cli.Tests.Reproduction;

namespace Keel.Cli.Tests.Monitoring;

/// <summary>
/// keel monitor over what keel serve captured, in the quickstart's workspace (churn@1 served 5,000 predictions, 4,000 of
/// them drifted and labelled; the policy retrained and churn@production is churn@2). Tests that act copy the workspace.
/// </summary>
[Collection(QuickstartCollection.Name)]
public sealed class MonitorCaptureTests(QuickstartFixture fixture) : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("keel-monitor-capture-").FullName;

    [Fact]
    public void Quickstart_DriftingTraffic_AlertsRetrainsOnProductionAndRedeploysThroughTheGate()
    {
        PipelineCli.Check(fixture.Result);
        var stdout = fixture.Result.Stdout;

        Assert.Contains("10. Production drifts: replay 4000 customers", stdout);
        Assert.Contains("4000 of 4000 predictions served and captured; 4000 feedback labels accepted", stdout);
        Assert.Contains("11. keel monitor churn", stdout);
        Assert.Contains("5000 rows from capture of churn@production (churn@1)", stdout);
        Assert.Contains("ALERT: sustained drift", stdout);
        Assert.Matches(@"snapshot run \w+: 4000 labelled production rows from 1 captured segment\(s\) \(1000 without a label left out\) as capture-churn-\d+-\d+\.csv into data/production: dataset production@1", stdout);
        Assert.Contains("(4000 from production; seed 42)", stdout);
        Assert.Contains("gate: churn@2 passed 6 behaviour tests; churn@production -> churn@2 (was churn@1)", stdout);
        Assert.Matches(@"(?m)^   churn@production -> churn@2 \(", stdout);
    }

    [Fact]
    public void Monitor_VersionFromTheCapture_AlertsAgainstItsDeploymentsReferenceAndTakesNoAction()
    {
        PipelineCli.Check(fixture.Result);

        var r = Cli().Run(fixture.Cli.Root, "monitor", "churn@1", "--json");

        Assert.True(r.ExitCode == 1, r.ToString());
        var json = ReproCli.Json(r);
        Assert.Equal("capture of churn@1", json.GetProperty("source").GetString());
        Assert.Equal(5000, json.GetProperty("rows").GetInt64());
        Assert.True(json.GetProperty("alerted").GetBoolean());
        var last = json.GetProperty("windows").EnumerateArray().Last();
        Assert.Contains(last.GetProperty("features").EnumerateArray(), f => f.GetProperty("feature").GetString() == "monthly_charges" && f.GetProperty("drifted").GetBoolean());
        Assert.Contains(last.GetProperty("performance").GetProperty("realised").EnumerateArray(), m => m.GetProperty("name").GetString() == "auc");
        Assert.Contains("churn@1 names a version, so no action was taken", r.Stderr);
    }

    [Fact]
    public void Monitor_ProductionNotYetServed_SaysThereIsNothingToJudge_AndWatchStopsAfterMaxCycles()
    {
        PipelineCli.Check(fixture.Result);

        var r = Cli().Run(fixture.Cli.Root, "monitor", "churn", "--watch", "--interval", "1", "--max-cycles", "2");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(2, r.Stdout.Split('\n').Count(l => l.StartsWith("monitor churn: 0 rows from capture of churn@production (churn@2)", StringComparison.Ordinal)));
        Assert.Contains("nothing to judge (this is not a pass)", r.Stdout);
    }

    [Fact]
    public void Monitor_ProductionMovedToARetrainedVersion_PointsToTheVersionWithTraffic()
    {
        // Issue 17, failure 9: the quickstart's own "Try next" line monitored churn@production, which is churn@2 with no traffic
        PipelineCli.Check(fixture.Result);

        var r = Cli().Run(fixture.Cli.Root, "monitor", "churn", "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        var notes = ReproCli.Json(r).GetProperty("notes").EnumerateArray().Select(n => n.GetString()).ToList();
        Assert.Contains("churn@1 has 5000 captured prediction(s): monitor it with 'keel monitor churn@1' (against its own deployment's reference)", notes);
        Assert.Contains("   keel monitor churn@1 --report monitor.html", fixture.Result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Monitor_Watch_CtrlC_StopsCleanlyWithTheExitCodeOfWhatItSaw()
    {
        PipelineCli.Check(fixture.Result);
        var psi = new ProcessStartInfo(PipelineCli.Binary)
        {
            WorkingDirectory = fixture.Cli.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])["monitor", "churn@1", "--watch", "--interval", "600"]) psi.ArgumentList.Add(a);
        psi.Environment["KEEL_HOME"] = Path.Combine(_temp, "home");
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string? line;
        while ((line = await p.StandardOutput.ReadLineAsync()) is not null && !line.StartsWith("ALERT:", StringComparison.Ordinal))
        {
        }
        Assert.NotNull(line);
        // Keep draining stdout: a full pipe would block the process in a write that Ctrl-C cannot interrupt.
        var rest = p.StandardOutput.ReadToEndAsync();

        // Ctrl-C is SIGINT; a test host started in the background (`cmd &` in a script) inherits SIGINT
        // ignored and passes that on, so there the same stop is asked for with SIGTERM.
        var signal = SigIntIgnored() ? "-TERM" : "-INT";
        using (var kill = Process.Start("kill", [signal, p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])) await kill.WaitForExitAsync();
        var exited = p.WaitForExit(TimeSpan.FromSeconds(30));

        Assert.True(exited, $"keel monitor --watch did not stop on kill {signal}");
        Assert.Equal(1, p.ExitCode);
        await rest;
        var errors = await stderr;
        Assert.Contains("keel: monitoring stopped after 1 pass(es)", errors);
        Assert.DoesNotContain("   at ", errors);
    }

    [Theory]
    [InlineData("churn@staging is not set", "monitor", "churn", "--alias", "staging")]
    [InlineData("nosuch@production is not set", "monitor", "nosuch")]
    [InlineData("--current reads CSV files and needs --reference", "monitor", "churn", "--current", "prod.csv")]
    [InlineData("--max-cycles must be at least 1", "monitor", "churn", "--watch", "--max-cycles", "-1")]
    public void Monitor_BadInput_OneClearLineExitTwo(string message, params string[] args)
    {
        PipelineCli.Check(fixture.Result);

        var r = Cli().Run(fixture.Cli.Root, args);

        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains(message, r.Stderr);
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Fact]
    public void Monitor_Watch_PerformanceBelowTheFloor_RollsBackForReal()
    {
        PipelineCli.Check(fixture.Result);
        var root = Copy();
        Policy(root, "  performance: {metric: auc, floor: 0.95}\n  on_performance: rollback\n");
        var cli = Cli();
        PipelineCli.Check(cli.Run(root, "rollback", "churn", "--alias", "production"));

        var r = cli.Run(root, "monitor", "churn", "--watch", "--interval", "1", "--max-cycles", "1");

        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("churn@production rolled back from churn@1 to churn@2", r.Stdout);
        var show = ReproCli.Json(cli.Run(root, "models", "show", "churn@production", "--json"));
        Assert.Equal(2, show.GetProperty("model").GetProperty("version").GetInt32());
        var runs = cli.Run(root, "runs", "list", "--json").Stdout;
        Assert.Contains("monitor:churn:rollback", runs);
    }

    [Fact]
    public void Monitor_SustainedDrift_RetrainsForRealAndTheGateDecides()
    {
        PipelineCli.Check(fixture.Result);
        var root = Copy();
        var cli = Cli();
        PipelineCli.Check(cli.Run(root, "rollback", "churn", "--alias", "production"));
        // Fewer trees: the train stage's recipe changes, so the retraining trains a new model for real.
        var parameters = Path.Combine(root, "examples/churn/params.yaml");
        File.WriteAllText(parameters, File.ReadAllText(parameters).Replace("trees: 200", "trees: 120", StringComparison.Ordinal));

        var r = cli.Run(root, "monitor", "churn");

        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("running train:", r.Stdout);
        Assert.Contains("gate: churn@3 passed 6 behaviour tests; churn@production -> churn@3 (was churn@1)", r.Stdout);
        var lineage = cli.Run(root, "lineage", "churn@3", "--up", "--format", "json").Stdout;
        Assert.Contains("monitor:churn:snapshot", lineage);
        Assert.Contains("predictions:churn@1:", lineage);
        Assert.Contains("deploy:churn@production", lineage);
    }

    private ReproCli Cli() => new(Path.Combine(_temp, "home"));

    // The quickstart workspace, copied so a test may move aliases and retrain without disturbing the others.
    private string Copy()
    {
        var target = Path.Combine(_temp, "ws");
        using var p = Process.Start(new ProcessStartInfo("cp", ["-a", fixture.Cli.Root, target]) { UseShellExecute = false })!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return target;
    }

    // Replaces the quickstart's monitor: section with one that has only the given actions.
    private static void Policy(string root, string lines)
    {
        var yaml = Path.Combine(root, "keel.yaml");
        var text = File.ReadAllText(yaml);
        text = text[..text.IndexOf("\nmonitor:", StringComparison.Ordinal)];
        File.WriteAllText(yaml, text + "\nmonitor:\n  window: 2000rows\n" + lines);
    }

    private static bool SigIntIgnored()
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line[7..].Trim(), 16) & 0b10) != 0; // bit 1 = signal 2, SIGINT
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_temp, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
