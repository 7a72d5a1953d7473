using System.Text.RegularExpressions;

namespace Keel.Cli.Tests.Acceptance;

/// <summary>The promises, driven through the real keel on <see cref="ProjectShapes.DatasetVersions"/>.</summary>
public sealed class DatasetVersionsProjectTests
{
    private const string Totals1 = "north 9\nsouth 16\n";

    [Fact]
    public void Pipeline_RawDataIsAKeelAddedDatasetVersion_PinnedStageKeepsItsVersionLatestStageRerunsAndLineageNamesEachVersion()
    {
        using var p = ProjectShapes.DatasetVersions.Create();
        const string Raw = ProjectShapes.DatasetVersions.Raw;

        // Given a first run on sales@1: every stage runs.
        var first = p.Run();
        Assert.All(ProjectShapes.DatasetVersions.Stages, s => Assert.Equal("ran", first[s]));
        Assert.Equal(Totals1, p.Read(ProjectShapes.DatasetVersions.Totals));
        Assert.Equal("regions 2 units 25\n", p.Read(ProjectShapes.DatasetVersions.Report));
        Assert.Contains("\"rows\": 4", p.Read(ProjectShapes.DatasetVersions.Trend));
        Assert.Equal("sales@1", LockedVersion(p, "totals"));
        Assert.Equal("sales@1", LockedVersion(p, "trend"));
        p.Commit("outputs ignored");

        // A second run skips all.
        Assert.All(p.Run().Values, state => Assert.Equal("skipped", state));

        // When sales@2 is added, only the sales@latest stage re-runs; the lock pins each stage's number.
        p.Write(Raw, ProjectShapes.DatasetVersions.V2);
        Assert.StartsWith("sales@2 ", p.KeelOk("add", Raw, "--name", "sales").Stdout);
        var next = p.Run();
        Assert.Equal("skipped", next["totals"]);
        Assert.Equal("skipped", next["report"]);
        Assert.Equal("ran", next["trend"]);
        Assert.Contains("\"rows\": 6", p.Read(ProjectShapes.DatasetVersions.Trend));
        Assert.Equal("sales@1", LockedVersion(p, "totals"));
        Assert.Equal("sales@2", LockedVersion(p, "trend"));

        // The pinned stage, forced to run while the workspace holds sales@2, still reads sales@1 and leaves the workspace's copy alone.
        var forced = p.KeelOk("run", "totals", "--force");
        Assert.Contains("placing sales@1 at data/sales.csv", forced.Stdout + forced.Stderr);
        Assert.Equal(Totals1, p.Read(ProjectShapes.DatasetVersions.Totals));
        Assert.Equal(ProjectShapes.DatasetVersions.V2, p.Read(Raw));
        p.Commit("sales@2");

        // impact from each version: sales@1 fed all three stages and the first trend model, sales@2 only trend.
        var impact1 = AcceptanceProject.Json(p.KeelOk("impact", "sales@1", "--json")).GetProperty("groups");
        Assert.Equal(["report", "totals", "trend"], Labels(impact1, "runs").Where(l => !l.StartsWith("reproduce", StringComparison.Ordinal)).Distinct().Order());
        Assert.Equal([ProjectShapes.DatasetVersions.Trend], Labels(impact1, "models"));
        var impact2 = AcceptanceProject.Json(p.KeelOk("impact", "sales@2", "--json")).GetProperty("groups");
        Assert.Equal(["trend"], Labels(impact2, "runs"));
        // impact of the path stands for every version: the two trend models say which run and version each is.
        var byPath = p.KeelOk("impact", Raw).Stdout.Split('\n');
        Assert.Contains("(dataset versions sales@1, sales@2)", byPath[0]);
        var models = byPath.Where(l => l.TrimStart().StartsWith(ProjectShapes.DatasetVersions.Trend, StringComparison.Ordinal)).ToList();
        Assert.Equal(2, models.Count);
        Assert.Matches(@"run [0-9a-f]{12} \(trend\), from sales@1", models[0]);
        Assert.Matches(@"run [0-9a-f]{12} \(trend\), from sales@2", models[1]);
        Assert.NotEqual(Regex.Match(models[0], "run ([0-9a-f]{12})").Value, Regex.Match(models[1], "run ([0-9a-f]{12})").Value);

        var unknown = p.Keel("impact", "sales@3");
        Assert.True(unknown.ExitCode == 2, unknown.ToString());
        Assert.Equal("keel: 'sales@3' does not exist: 'sales' has versions 1 to 2", unknown.Stderr.Trim());

        // lineage: down from sales@1 to the stages it fed, up from the model to the version it came from.
        var down = p.KeelOk("lineage", "sales@1", "--down").Stdout;
        Assert.Contains("used(dataset) totals [stage]", down);
        Assert.Contains("used(dataset) trend [stage]", down);
        Assert.Contains("used(input) report [stage]", down);
        var up = p.KeelOk("lineage", ProjectShapes.DatasetVersions.Trend).Stdout;
        Assert.Contains("used(dataset) sales@2 [data]", up);
        Assert.DoesNotContain("sales@1", up);
        Assert.DoesNotContain("sales@latest", up);
        // The dataset's path names its newest version, as impact takes it.
        var lineageOfPath = p.KeelOk("lineage", "data/sales.csv", "--down").Stdout;
        Assert.StartsWith("sales@2", lineageOfPath.TrimStart());
        Assert.Contains("used(dataset) trend [stage]", lineageOfPath);

        // reproduce rebuilds both from the recorded versions: the report from sales@1 although the workspace holds sales@2.
        var report = p.Keel("reproduce", ProjectShapes.DatasetVersions.Report);
        Assert.True(report.ExitCode == 0, report.ToString());
        Assert.Contains($"PASS         {ProjectShapes.DatasetVersions.Report}", report.Stdout);
        Assert.Contains($"REPRODUCED {ProjectShapes.DatasetVersions.Report}", report.Stdout);
        var trend = p.Keel("reproduce", ProjectShapes.DatasetVersions.Trend);
        Assert.True(trend.ExitCode == 0, trend.ToString());
        Assert.Contains($"REPRODUCED {ProjectShapes.DatasetVersions.Trend}", trend.Stdout);
        Assert.Equal(ProjectShapes.DatasetVersions.V2, p.Read(Raw));

        // recover's replay.sh, in a fresh clone that has no data: it restores sales@1's bytes, not the newest.
        var recovered = p.Beside("recovered");
        var recover = p.Keel("recover", ProjectShapes.DatasetVersions.Report, "-o", recovered, "--materialize", "--verify");
        Assert.True(recover.ExitCode == 0, recover.ToString());
        var clone = p.CleanClone();
        Assert.False(File.Exists(Path.Combine(clone, Raw)));
        var replay = p.Replay(recovered, clone);
        Assert.True(replay.ExitCode == 0, replay.ToString());
        Assert.Contains($"restored     {Raw}", replay.Stdout);
        Assert.Contains($"PASS         {ProjectShapes.DatasetVersions.Report}", replay.Stdout);
        Assert.Contains("REPLAYED", replay.Stdout);
        Assert.Equal(ProjectShapes.DatasetVersions.V1, File.ReadAllText(Path.Combine(clone, Raw)));
        Assert.Equal(Totals1, File.ReadAllText(Path.Combine(clone, ProjectShapes.DatasetVersions.Totals)));
    }

    [Fact]
    public void Run_DependencyOnAVersionThatDoesNotExist_OneLineAtItsPlaceExit2AndNothingRuns()
    {
        using var p = ProjectShapes.DatasetVersions.Create();
        p.Write("keel.yaml", ProjectShapes.DatasetVersions.KeelYaml.Replace("sales@1", "sales@3", StringComparison.Ordinal));

        var r = p.Keel("run");

        Assert.True(r.ExitCode == 2, r.ToString());
        var line = Assert.Single((r.Stdout + r.Stderr).Split('\n'), l => l.Contains("sales@3", StringComparison.Ordinal));
        Assert.Contains("keel.yaml:4:", line);
        Assert.Contains("stage 'totals'", line);
        Assert.Contains("sales has versions 1 to 1", line);
        Assert.DoesNotContain("   at ", r.Stdout + r.Stderr);
        Assert.False(File.Exists(p.PathOf(ProjectShapes.DatasetVersions.Trend)));
        Assert.False(File.Exists(p.PathOf("keel.lock")));
    }

    /// <summary>The dataset version keel.lock pins for a stage's only dataset dependency.</summary>
    private static string LockedVersion(AcceptanceProject p, string stage)
    {
        var section = Regex.Match(p.Read("keel.lock"), $"\n  \"{stage}\":\n(?<body>(?:    .*\n?)*)").Groups["body"].Value;
        return Assert.Single(Regex.Matches(section, "dataset: \"([^\"]+)\"")).Groups[1].Value;
    }

    private static List<string> Labels(System.Text.Json.JsonElement groups, string group) =>
        groups.TryGetProperty(group, out var nodes) ? nodes.EnumerateArray().Select(n => n.GetProperty("label").GetString()!).ToList() : [];
}
