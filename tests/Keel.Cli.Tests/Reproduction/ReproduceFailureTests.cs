using Keel.Cli.Tests.Pipelines;

namespace Keel.Cli.Tests.Reproduction;

public sealed class ReproduceFailureTests(SmallPipeline small) : IClassFixture<SmallPipeline>
{
    [Fact]
    public void Reproduce_SmallPipeline_PassesAndReplaysWithTheRecordedSeed()
    {
        var dir = Path.Combine(small.Temp, "again-" + Guid.NewGuid().ToString("N"));

        var r = small.Cli.Run(small.Root, "reproduce", "models/m.bin", "--in", dir, "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("seed=11", File.ReadAllText(Path.Combine(dir, "work", "models", "m.bin")));
    }

    [Fact]
    public void Reproduce_NonDeterministicStage_FailsNamingTheOutputAndTheDifference()
    {
        var root = Path.Combine(small.Temp, "nondet-" + Guid.NewGuid().ToString("N"));
        var yaml = """
            stages:
              train:
                cmd: echo "{\"auc\":0.$(date +%N),\"rows\":3}" > metrics.json
                outs: [{path: metrics.json, kind: metrics}]
                compare: {metrics.json: {method: metrics, abs: 0.001}}
            """;
        PipelineCli.Check(small.Cli.NewPipeline(root, yaml));

        var r = small.Cli.Run(root, "reproduce", "metrics.json", "--json");

        Assert.True(r.ExitCode == 1, r.ToString());
        var json = ReproCli.Json(r);
        Assert.False(json.GetProperty("passed").GetBoolean());
        var output = json.GetProperty("outputs").EnumerateArray().Single();
        Assert.Equal("fail", output.GetProperty("status").GetString());
        Assert.True(output.GetProperty("difference").GetDouble() > 0.001);
        Assert.Contains("auc: recorded", output.GetProperty("detail").GetString());
        Assert.DoesNotContain("rows", output.GetProperty("detail").GetString());
        Assert.Contains(json.GetProperty("likely_causes").EnumerateArray(), c => c.GetString()!.Contains("not deterministic", StringComparison.Ordinal));
        Assert.True(Directory.Exists(json.GetProperty("directory").GetString()), "a failed reproduction keeps its folder");
    }

    [Fact]
    public void Verify_RawByteFlipped_FailsNamingTheObjectAndTheModelsItFeeds()
    {
        var ws = small.NewWorkspace("flip-" + Guid.NewGuid().ToString("N"));
        PipelineCli.Check(small.Cli.Run(ws, "bundle", "import", small.Bundle));
        var raw = Directory.EnumerateFiles(Path.Combine(ws, ".keel", "objects"), "*", SearchOption.AllDirectories)
            .Single(f => File.ReadAllText(f) == "alpha\nbeta\ngamma\n");
        File.SetUnixFileMode(raw, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(raw, "alpha\nbeta\ngammA\n");

        var r = small.Cli.Run(ws, "verify", "models/m.bin", "--no-reproduce", "--report", Path.Combine(ws, "report"));

        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Matches(@"DAMAGED data/raw\.txt \[data\].*corrupt.*it feeds models/m\.bin", r.Stdout);
        Assert.Contains("NOT VERIFIED", r.Stdout);
    }

    [Fact]
    public void Reproduce_RecordedCommitMissingAndNoBundle_SaysSo()
    {
        var root = Path.Combine(small.Temp, "nocommit-" + Guid.NewGuid().ToString("N"));
        PipelineCli.Check(small.Cli.NewPipeline(root, SmallPipeline.Yaml, ("data/raw.txt", "x\n")));
        ReproCli.Sh(root, "rm -rf .git && git init -q");

        var r = small.Cli.Run(root, "reproduce", "models/m.bin");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("is missing from the git repository", r.Stderr);
    }
}
