using System.Text.Json;

namespace Keel.Cli.Tests.Pipelines;

/// <summary>
/// A shell + python3 project whose raw data is a <c>keel add</c>-ed CSV, read by its path, as
/// <c>flowers@1</c> and as <c>flowers@latest</c>: the dataset version is the run's input in the
/// lineage and in keel.lock.
/// </summary>
public sealed class DatasetDepsTests
{
    private const string V1 = "petal,label\n1.4,a\n4.5,b\n5.1,c\n";
    private const string V2 = "petal,label\n1.4,a\n4.5,b\n5.1,c\n1.3,a\n";

    // Counts the data rows of the CSV it is given: which version a stage read shows in its output.
    private const string Count = """
        import sys
        rows = open(sys.argv[1]).read().splitlines()[1:]
        open(sys.argv[2], "w").write(f"{len(rows)} rows\n")
        """;

    private static TempWorkspace Project(string deps)
    {
        var ws = TempWorkspace.Init();
        ws.Write("data/flowers.csv", V1);
        Assert.Equal(0, ws.Keel("add", "data/flowers.csv").ExitCode);
        ws.Write("scripts/count.py", Count);
        ws.Write("keel.yaml", $"""
            stages:
              count:
                cmd: mkdir -p out && python3 scripts/count.py data/flowers.csv out/count.txt
                deps: [{deps}, scripts/count.py]
                outs: [{"{"}path: out/count.txt, kind: model{"}"}]
            """);
        return ws;
    }

    private static KeelResult Ok(KeelResult r)
    {
        Assert.True(r.ExitCode == 0, r.ToString());
        return r;
    }

    private static List<string> ImpactLabels(TempWorkspace ws, string reference, string group) =>
        Ok(ws.Keel("impact", reference, "--json")).Json().GetProperty("groups").GetProperty(group).EnumerateArray()
            .Select(n => n.GetProperty("label").GetString()!).ToList();

    [Fact]
    public void Run_PathDependencyTrackedByADataset_TheRunUsedThatVersion()
    {
        // Given a stage that depends on the path keel add versioned as flowers@1
        using var ws = Project("data/flowers.csv");

        // When it runs
        Ok(ws.Keel("run"));

        // Then flowers@1 fed the run and its model, and keel.lock names the version
        Assert.Contains("count", ImpactLabels(ws, "flowers@1", "runs"));
        Assert.Contains("out/count.txt", ImpactLabels(ws, "flowers@1", "models"));
        Assert.Contains("dataset: \"flowers@1\"", File.ReadAllText(ws.PathOf("keel.lock")), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_LatestDependency_RecordsTheResolvedVersionAndRerunsOnANewOne()
    {
        // Given a stage on flowers@latest that has run
        using var ws = Project("flowers@latest");
        Ok(ws.Keel("run"));
        var up = Ok(ws.Keel("lineage", "out/count.txt", "--up", "--format", "json")).Stdout;
        Assert.Contains("\"flowers@1\"", up, StringComparison.Ordinal);
        Assert.DoesNotContain("flowers@latest", up, StringComparison.Ordinal);
        Assert.Contains("dataset: \"flowers@1\"", File.ReadAllText(ws.PathOf("keel.lock")), StringComparison.Ordinal);

        // When a second run finds nothing new, then flowers@2 is added
        var again = Ok(ws.Keel("run", "--json")).Json().GetProperty("stages")[0].GetProperty("state").GetString();
        ws.Write("data/flowers.csv", V2);
        Ok(ws.Keel("add", "data/flowers.csv"));
        var rerun = Ok(ws.Keel("run", "--json")).Json().GetProperty("stages")[0].GetProperty("state").GetString();

        // Then the first is skipped, the second re-runs on flowers@2, and the lock pins flowers@2
        Assert.Equal("skipped", again);
        Assert.Equal("ran", rerun);
        Assert.Equal("4 rows\n", File.ReadAllText(ws.PathOf("out/count.txt")));
        Assert.Contains("dataset: \"flowers@2\"", File.ReadAllText(ws.PathOf("keel.lock")), StringComparison.Ordinal);
        Assert.Contains("count", ImpactLabels(ws, "flowers@2", "runs"));
    }

    [Fact]
    public void Run_PinnedOlderVersion_TheStageReadsItAndTheWorkspaceCopyIsLeftAlone()
    {
        // Given flowers@2 in the workspace and a stage pinned to flowers@1
        using var ws = Project("flowers@1");
        ws.Write("data/flowers.csv", V2);
        Ok(ws.Keel("add", "data/flowers.csv"));

        // When it runs
        Ok(ws.Keel("run"));

        // Then it read flowers@1's three rows, and data/flowers.csv still holds flowers@2
        Assert.Equal("3 rows\n", File.ReadAllText(ws.PathOf("out/count.txt")));
        Assert.Equal(V2, File.ReadAllText(ws.PathOf("data/flowers.csv")));
        Assert.Contains("count", ImpactLabels(ws, "flowers@1", "runs"));
        Assert.DoesNotContain("count", ImpactLabels(ws, "flowers@2", "runs"));
    }

    [Theory]
    [InlineData("flowrs@1", "no dataset named 'flowrs'; did you mean flowers?")]
    [InlineData("flowers@7", "flowers has versions 1 to 1")]
    public void Run_UnknownDatasetOrVersion_OneLineAtItsPlaceExit2NothingRuns(string dep, string expected)
    {
        using var ws = Project(dep);

        var r = ws.Keel("run");

        Assert.Equal(2, r.ExitCode);
        var line = Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains("keel.yaml:4:", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.False(File.Exists(ws.PathOf("out/count.txt")));
        Assert.False(File.Exists(ws.PathOf("keel.lock")));
    }

    [Fact]
    public void Impact_PathWhoseStageRanOnTwoVersions_EachRepeatedNodeSaysItsRunAndVersion()
    {
        // Given a stage on the path that ran on flowers@1, then on flowers@2
        using var ws = Project("data/flowers.csv");
        Ok(ws.Keel("run"));
        ws.Write("data/flowers.csv", V2);
        Ok(ws.Keel("add", "data/flowers.csv"));
        Ok(ws.Keel("run"));

        // When the path's impact is asked
        var text = Ok(ws.Keel("impact", "data/flowers.csv")).Stdout;
        var json = Ok(ws.Keel("impact", "data/flowers.csv", "--json")).Json();

        // Then both versions are its roots, and the two models are told apart by run and version
        Assert.Contains("flowers@1, flowers@2", text, StringComparison.Ordinal);
        var models = json.GetProperty("groups").GetProperty("models").EnumerateArray().ToList();
        Assert.Equal(2, models.Count);
        var which = models.Select(m => m.GetProperty("which").GetString()!).ToList();
        Assert.Contains(which, w => w.Contains("from flowers@1", StringComparison.Ordinal));
        Assert.Contains(which, w => w.Contains("from flowers@2", StringComparison.Ordinal));
        Assert.NotEqual(models[0].GetProperty("run_id").GetString(), models[1].GetProperty("run_id").GetString());
        var lines = text.Split('\n').Where(l => l.TrimStart().StartsWith("out/count.txt", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, lines.Count);
        Assert.NotEqual(lines[0][lines[0].IndexOf("hops", StringComparison.Ordinal)..], lines[1][lines[1].IndexOf("hops", StringComparison.Ordinal)..]);
    }
}
