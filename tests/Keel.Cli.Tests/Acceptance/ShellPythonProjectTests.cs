namespace Keel.Cli.Tests.Acceptance;

/// <summary>The promises, driven through the real keel on <see cref="ProjectShapes.ShellPython"/>.</summary>
public sealed class ShellPythonProjectTests
{
    [Fact]
    public void Pipeline_ShellPythonProject_RunsSkipsRerunsDependentsReproducesAndReplaysInACleanClone()
    {
        using var p = ProjectShapes.ShellPython.Create();

        // Given a first run: every stage runs, writing into folders that did not exist.
        var first = p.Run();
        Assert.All(ProjectShapes.ShellPython.Stages, s => Assert.Equal("ran", first[s]));
        Assert.Contains("\"accuracy\"", p.Read(ProjectShapes.ShellPython.Metrics));
        Assert.Contains("\"lr\": 0.5", p.Read(ProjectShapes.ShellPython.Model));
        // keel run ignored its outputs in git, except the metrics the project already ignores.
        var ignore = File.ReadAllLines(p.PathOf(".gitignore"));
        Assert.Contains("/" + ProjectShapes.ShellPython.Model, ignore);
        Assert.Contains("/" + ProjectShapes.ShellPython.Train, ignore);
        Assert.DoesNotContain("/" + ProjectShapes.ShellPython.Metrics, ignore);
        p.Commit("outputs ignored");

        // The stages' metrics are runs' metrics: evaluate's metrics output, train's KEEL_METRICS_FILE curve.
        Assert.Equal(1, RunsMatching(p, "metrics.accuracy >= 0"));
        Assert.Equal(1, RunsMatching(p, "metrics.train_loss >= 0"));
        var show = p.Keel("metrics", "show");
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("accuracy", show.Stdout);

        // A second run skips all.
        Assert.All(p.Run().Values, state => Assert.Equal("skipped", state));

        // A changed ${train.lr} re-runs train and what depends on it, not prepare.
        p.Write("params.yaml", ProjectShapes.ShellPython.Params.Replace("lr: 0.5", "lr: 0.2", StringComparison.Ordinal));
        var changed = p.Run();
        Assert.Equal("skipped", changed["prepare"]);
        Assert.Equal("ran", changed["train"]);
        Assert.Equal("ran", changed["evaluate"]);
        Assert.Contains("\"lr\": 0.2", p.Read(ProjectShapes.ShellPython.Model));
        Assert.Contains("--lr 0.2", p.Read("keel.lock"));
        var diff = p.Keel("metrics", "diff", "HEAD");
        Assert.True(diff.ExitCode == 0, diff.ToString());
        Assert.Contains("loss", diff.Stdout);
        p.Commit("lr 0.2");

        // reproduce rebuilds the metrics from the recorded state alone.
        var reproduce = p.Keel("reproduce", ProjectShapes.ShellPython.Metrics);
        Assert.True(reproduce.ExitCode == 0, reproduce.ToString());
        Assert.Contains($"REPRODUCED {ProjectShapes.ShellPython.Metrics}", reproduce.Stdout);

        // recover's replay.sh does the same in a fresh clone, which has no data, outputs or .keel.
        var recovered = p.Beside("recovered");
        var recover = p.Keel("recover", ProjectShapes.ShellPython.Metrics, "-o", recovered, "--materialize", "--verify");
        Assert.True(recover.ExitCode == 0, recover.ToString());
        var clone = p.CleanClone();
        Assert.False(File.Exists(Path.Combine(clone, "data", "raw.csv")));
        var replay = p.Replay(recovered, clone);
        Assert.True(replay.ExitCode == 0, replay.ToString());
        Assert.Contains("restored     data/raw.csv", replay.Stdout);
        Assert.Contains($"PASS         {ProjectShapes.ShellPython.Metrics}", replay.Stdout);
        Assert.Contains($"PASS         {ProjectShapes.ShellPython.Model}", replay.Stdout);
        Assert.Contains("REPLAYED", replay.Stdout);
        Assert.Equal(p.Read(ProjectShapes.ShellPython.Metrics), File.ReadAllText(Path.Combine(clone, ProjectShapes.ShellPython.Metrics)));
    }

    [Fact]
    public void Run_UnknownParamInCommand_FailsTheStageWithOneLineNamingStageAndKey()
    {
        using var p = ProjectShapes.ShellPython.Create();
        p.Write("keel.yaml", ProjectShapes.ShellPython.KeelYaml.Replace("${train.lr}", "${train.rate}", StringComparison.Ordinal));

        var r = p.Keel("run");

        Assert.True(r.ExitCode == 1, r.ToString());
        var line = Assert.Single(r.Stdout.Split('\n'), l => l.Contains("train.rate", StringComparison.Ordinal));
        Assert.Contains("stage 'train'", line);
        Assert.Contains("keel.yaml:", line);
        Assert.DoesNotContain("   at ", r.Stdout + r.Stderr);
    }

    private static int RunsMatching(AcceptanceProject p, string filter)
    {
        var r = p.Keel("runs", "list", "--filter", filter, "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = System.Text.Json.JsonDocument.Parse(r.Stdout);
        return doc.RootElement.GetProperty("runs").GetArrayLength();
    }
}
