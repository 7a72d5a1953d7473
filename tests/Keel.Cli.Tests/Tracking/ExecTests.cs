namespace Keel.Cli.Tests.Tracking;

public sealed class ExecTests : IDisposable
{
    private readonly TrackingCli _cli = new();

    [Fact]
    public void Exec_ScriptWritingMetricsAndOutput_RecordsMetricsOutputsLogsAndExitCode()
    {
        Assert.Equal(0, _cli.Keel("init", ".").ExitCode);
        _cli.Write("train.sh", """
            echo "seed=$KEEL_SEED"
            echo '{"auc": 0.91}' > "$KEEL_METRICS_FILE"
            keel log-metric loss 0.5 --step 1
            keel log-metric loss 0.25 --step 2
            mkdir -p out && echo weights > out/model.bin
            echo oops >&2
            exit 3
            """);

        var exec = _cli.Keel("exec", "--name", "train", "--seed", "42", "--out", "model=out/model.bin", "--", "bash", "train.sh");

        Assert.Equal(3, exec.ExitCode);
        Assert.Contains("seed=42", exec.Stdout, StringComparison.Ordinal);
        Assert.Contains("oops", exec.Stderr, StringComparison.Ordinal);
        var list = _cli.Keel("runs", "list", "--json").Json.GetProperty("runs");
        Assert.Equal(1, list.GetArrayLength());
        var id = list[0].GetProperty("id").GetString()!;
        var show = _cli.Keel("runs", "show", id[..10], "--json").Json;
        Assert.Equal("failed", show.GetProperty("run").GetProperty("status").GetString());
        Assert.Equal(3, show.GetProperty("run").GetProperty("exit_code").GetInt32());
        Assert.Equal(42, show.GetProperty("run").GetProperty("seed").GetInt64());
        var resources = show.GetProperty("run").GetProperty("resources");
        Assert.True(resources.GetProperty("peak_memory_bytes").GetInt64() > 1 << 20);
        Assert.True(resources.GetProperty("cpu_seconds").GetDouble() > 0);
        var metrics = show.GetProperty("metrics").EnumerateArray().ToDictionary(m => m.GetProperty("key").GetString()!, m => m.GetProperty("value").GetDouble());
        Assert.Equal(0.91, metrics["auc"]);
        Assert.Equal(0.25, metrics["loss"]);
        var outputs = show.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!, o => o.GetProperty("kind").GetString());
        Assert.Equal("model", outputs["out/model.bin"]);
        Assert.Equal("log", outputs["stdout"]);
        Assert.Equal("log", outputs["stderr"]);
        var history = _cli.Keel("metrics", "history", id, "loss", "--json", "--plot", "loss.svg").Json;
        Assert.Equal(2, history.GetProperty("points").GetArrayLength());
        Assert.Contains("<svg", File.ReadAllText(Path.Combine(_cli.Dir, "loss.svg")), StringComparison.Ordinal);
    }

    [Fact]
    public void LogMetric_NaN_IsStoredAndShown()
    {
        Assert.Equal(0, _cli.Keel("init", ".").ExitCode);
        var exec = _cli.Keel("exec", "--", "bash", "-c", "keel log-metric loss NaN && keel log-metric big Infinity");
        Assert.Equal(0, exec.ExitCode);
        var id = _cli.Keel("runs", "list", "--json").Json.GetProperty("runs")[0].GetProperty("id").GetString()!;
        var show = _cli.Keel("runs", "show", id);
        Assert.Contains("loss = NaN", show.Stdout, StringComparison.Ordinal);
        Assert.Contains("big = Infinity", show.Stdout, StringComparison.Ordinal);
        var json = _cli.Keel("runs", "show", id, "--json").Json;
        Assert.Contains(json.GetProperty("metrics").EnumerateArray(), m => m.GetProperty("value").GetString() == "NaN");
    }

    [Fact]
    public void LogMetric_ToFinishedRun_IsAnError()
    {
        Assert.Equal(0, _cli.Keel("init", ".").ExitCode);
        Assert.Equal(0, _cli.Keel("exec", "--", "true").ExitCode);
        var id = _cli.Keel("runs", "list", "--json").Json.GetProperty("runs")[0].GetProperty("id").GetString()!;
        var r = _cli.Keel("log-metric", "x", "1", "--run", id);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("is finished", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void RunsList_FilterSyntaxError_PointsAtTheColumn()
    {
        Assert.Equal(0, _cli.Keel("init", ".").ExitCode);
        var r = _cli.Keel("runs", "list", "--filter", "metrics.auc >> 0.9");
        Assert.Equal(2, r.ExitCode);
        var lines = r.Stderr.Split('\n');
        Assert.Contains("column 14", lines[0], StringComparison.Ordinal);
        Assert.Equal("  metrics.auc >> 0.9", lines[1]);
        Assert.Equal(15, lines[2].IndexOf('^', StringComparison.Ordinal));
    }

    [Fact]
    public void RunsList_Filter_SelectsOnMetricsAndParams()
    {
        Assert.Equal(0, _cli.Keel("init", ".").ExitCode);
        Assert.Equal(0, _cli.Keel("exec", "--name", "good", "--", "bash", "-c", "echo '{\"auc\": 0.95}' > $KEEL_METRICS_FILE").ExitCode);
        Assert.Equal(0, _cli.Keel("exec", "--name", "bad", "--", "bash", "-c", "echo '{\"auc\": 0.55}' > $KEEL_METRICS_FILE").ExitCode);
        var runs = _cli.Keel("runs", "list", "--filter", "metrics.auc > 0.9 and status = 'finished'", "--json").Json.GetProperty("runs");
        Assert.Equal(["good"], runs.EnumerateArray().Select(r => r.GetProperty("name").GetString()));
        var compare = _cli.Keel("runs", "compare", runs[0].GetProperty("id").GetString()!,
            _cli.Keel("runs", "list", "--filter", "name = 'bad'", "--json").Json.GetProperty("runs")[0].GetProperty("id").GetString()!);
        Assert.Contains("* metrics.auc", compare.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void RunsCompare_OneRun_SaysTwoAreNeededAndNamesIt()
    {
        Assert.Equal(0, _cli.Keel("init", ".").ExitCode);
        Assert.Equal(0, _cli.Keel("exec", "--name", "only", "--", "true").ExitCode);
        var id = _cli.Keel("runs", "list", "--json").Json.GetProperty("runs")[0].GetProperty("id").GetString()!;

        var r = _cli.Keel("runs", "compare", id);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"runs compare needs two or more runs, and got one ({id})", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Required argument", r.Stderr, StringComparison.Ordinal);
    }

    public void Dispose() => _cli.Dispose();
}
