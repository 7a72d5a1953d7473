using System.Diagnostics;
using System.Text.Json;

namespace Keel.Cli.Tests.Pipelines;

/// <summary>
/// Metrics from pipeline stages, on a project shape Keel's examples do not have: a shell
/// stage and a pure-python3 trainer that reads params.yaml by hand and writes its metrics as
/// JSON, YAML and CSV, plus lines appended to KEEL_METRICS_FILE.
/// </summary>
public sealed class StageMetricsTests
{
    private const string Train = """
        import json, os
        trees = 0
        for line in open("params.yaml"):
            if line.strip().startswith("trees:"):
                trees = int(line.split(":")[1])
        os.makedirs("reports", exist_ok=True)
        auc = 0.9 + trees / 1000
        json.dump({"auc": auc, "per_class": {"churn": {"f1": 0.8}}, "model": "forest"}, open("reports/metrics.json", "w"))
        open("reports/eval.yaml", "w").write("eval:\n  loss: 0.25\n  note: 'fine'\n")
        open("reports/epochs.csv", "w").write("epoch,val_loss\n1,0.5\n2,0.4\n")
        with open(os.environ["KEEL_METRICS_FILE"], "a") as f:
            f.write(json.dumps({"key": "train_loss", "value": 0.3, "step": 7}) + "\n")
        """;

    private const string Pipeline = """
        stages:
          prepare:
            cmd: sh scripts/prepare.sh
            deps: [scripts/prepare.sh]
            outs: [work/rows.txt]
          train:
            cmd: python3 scripts/train.py
            deps: [scripts/train.py, work/rows.txt]
            params: [train.trees]
            outs:
              - {path: reports/metrics.json, kind: metrics}
              - {path: reports/eval.yaml, kind: metrics}
              - {path: reports/epochs.csv, kind: metrics}
        """;

    private static PipelineCli Project(bool git)
    {
        var cli = new PipelineCli();
        cli.Write("scripts/prepare.sh", "mkdir -p work\nprintf 'a\\nb\\n' > work/rows.txt\n");
        cli.Write("scripts/train.py", Train);
        cli.Write("params.yaml", "train:\n  trees: 50\n");
        cli.Write("keel.yaml", Pipeline);
        if (git)
        {
            Git(cli.Root, "init", "-q");
            Git(cli.Root, "add", "-A");
            Git(cli.Root, "commit", "-qm", "project");
        }
        return cli;
    }

    [Fact]
    public void Run_StageWithMetricsOutputsAndMetricsFile_RecordsThemAsTheStageRunsMetrics()
    {
        using var cli = Project(git: false);

        var (exit, stages, raw) = cli.RunJson();

        Assert.True(exit == 0, raw.ToString());
        var run = stages["train"].RunId!;
        Assert.Empty(stages["train"].Warnings);
        var show = JsonDocument.Parse(PipelineCli.Check(cli.Run("runs", "show", run, "--json")).Stdout).RootElement;
        var metrics = show.GetProperty("metrics").EnumerateArray().ToDictionary(m => m.GetProperty("key").GetString()!, m => m.GetProperty("value").GetDouble());
        Assert.Equal(0.95, metrics["auc"], 9);
        Assert.Equal(0.8, metrics["per_class.churn.f1"]);
        Assert.Equal(0.25, metrics["eval.loss"]);
        Assert.Equal(0.4, metrics["val_loss"]);
        Assert.Equal(0.3, metrics["train_loss"]);
        Assert.False(metrics.ContainsKey("model"));
        Assert.False(metrics.ContainsKey("eval.note"));

        var history = PipelineCli.Check(cli.Run("metrics", "history", run[..12], "val_loss"));
        Assert.Equal(2, history.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        PipelineCli.Check(cli.Run("metrics", "history", run[..12], "auc"));
    }

    [Fact]
    public void RunsList_FilterAndColumnsOnStageMetrics_ListsTheStageRunWithItsValues()
    {
        using var cli = Project(git: false);
        PipelineCli.Check(cli.Run("run"));

        var matched = PipelineCli.Check(cli.Run("runs", "list", "--filter", "metrics.auc > 0.9", "--columns", "metrics.auc,params.train.trees", "--json"));

        var doc = JsonDocument.Parse(matched.Stdout).RootElement;
        var run = Assert.Single(doc.GetProperty("runs").EnumerateArray());
        Assert.Equal("train", run.GetProperty("name").GetString());
        var values = doc.GetProperty("values").GetProperty(run.GetProperty("id").GetString()!);
        Assert.Equal(0.95, values.GetProperty("metrics.auc").GetDouble(), 9);
        Assert.Equal("50", values.GetProperty("params.train.trees").GetString());
        var text = PipelineCli.Check(cli.Run("runs", "list", "--columns", "metrics.auc,params.train.trees")).Stdout;
        Assert.Contains("metrics.auc", text, StringComparison.Ordinal);
        Assert.Contains("0.95", text, StringComparison.Ordinal);
    }

    [Fact]
    public void RunsList_FilterMatchingNoStageRun_SaysRunsExistInsteadOfHowToCreateThem()
    {
        using var cli = Project(git: false);
        PipelineCli.Check(cli.Run("run"));

        var r = PipelineCli.Check(cli.Run("runs", "list", "--filter", "metrics.auc > 2"));

        Assert.DoesNotContain("creates runs", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("no runs match --filter; runs exist", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void RunsCompare_TwoStageRuns_ShowsMetricRowsAndMarksTheChangedOne()
    {
        using var cli = Project(git: false);
        var first = cli.RunJson().Stages["train"].RunId!;
        cli.Write("params.yaml", "train:\n  trees: 80\n");
        var second = cli.RunJson().Stages["train"].RunId!;

        var rows = JsonDocument.Parse(PipelineCli.Check(cli.Run("runs", "compare", first, second, "--json")).Stdout).RootElement.GetProperty("rows")
            .EnumerateArray().ToDictionary(r => r.GetProperty("field").GetString()!, r => r.GetProperty("differs").GetBoolean());

        Assert.True(rows["metrics.auc"]);
        Assert.False(rows["metrics.eval.loss"]);
        Assert.True(rows["params.train.trees"]);
    }

    [Fact]
    public void MetricsDiff_HeadAgainstWorkspaceAfterAParamChange_ShowsTheChangedMetric()
    {
        using var cli = Project(git: true);
        PipelineCli.Check(cli.Run("run"));
        Git(cli.Root, "add", "-A");
        Git(cli.Root, "commit", "-qm", "first run");
        cli.Write("params.yaml", "train:\n  trees: 80\n");
        PipelineCli.Check(cli.Run("run"));

        var diff = PipelineCli.Check(cli.Run("metrics", "diff", "--json"));

        var doc = JsonDocument.Parse(diff.Stdout).RootElement;
        Assert.Equal("workspace", doc.GetProperty("new").GetString());
        var row = Assert.Single(doc.GetProperty("rows").EnumerateArray());
        Assert.Equal("reports/metrics.json", row.GetProperty("path").GetString());
        Assert.Equal("auc", row.GetProperty("key").GetString());
        Assert.Equal(0.95, row.GetProperty("old").GetDouble(), 9);
        Assert.Equal(0.98, row.GetProperty("new").GetDouble(), 9);
        Assert.Equal(0.03, row.GetProperty("change").GetDouble(), 9);
        var text = PipelineCli.Check(cli.Run("metrics", "diff", "HEAD", "workspace", "--all")).Stdout;
        Assert.Contains("eval.loss", text, StringComparison.Ordinal);
    }

    [Fact]
    public void MetricsShowAndDiff_TwoRuns_CompareTheirRecordedMetrics()
    {
        using var cli = Project(git: false);
        var first = cli.RunJson().Stages["train"].RunId!;
        cli.Write("params.yaml", "train:\n  trees: 80\n");
        var second = cli.RunJson().Stages["train"].RunId!;

        var diff = JsonDocument.Parse(PipelineCli.Check(cli.Run("metrics", "diff", first[..12], second[..12], "--json")).Stdout).RootElement;
        var show = JsonDocument.Parse(PipelineCli.Check(cli.Run("metrics", "show", "--json")).Stdout).RootElement;

        var row = Assert.Single(diff.GetProperty("rows").EnumerateArray());
        Assert.Equal("auc", row.GetProperty("key").GetString());
        var workspace = Assert.Single(show.GetProperty("sources").EnumerateArray());
        var shown = workspace.GetProperty("metrics").EnumerateArray().ToDictionary(m => m.GetProperty("key").GetString()!, m => m.GetProperty("value"));
        Assert.Equal("forest", shown["model"].GetString());
        Assert.Equal(0.98, shown["auc"].GetDouble(), 9);
        Assert.Equal(0.4, shown["val_loss"].GetDouble());
    }

    [Fact]
    public void MetricsDiff_NoArgumentsOutsideGit_SaysThereIsNoHeadAndWhatToName()
    {
        using var cli = Project(git: false);
        PipelineCli.Check(cli.Run("run"));

        var r = cli.Run("metrics", "diff");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("is not in a git repository, so there is no HEAD to compare with; name two sides", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal);
    }

    private static void Git(string dir, params string[] args)
    {
        var psi = new ProcessStartInfo("git") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["GIT_AUTHOR_NAME"] = psi.Environment["GIT_COMMITTER_NAME"] = "t";
        psi.Environment["GIT_AUTHOR_EMAIL"] = psi.Environment["GIT_COMMITTER_EMAIL"] = "t@example.com";
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"git {string.Join(' ', args)}: {err.Result}");
    }
}
