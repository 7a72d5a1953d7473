using Keel.Pipelines;

namespace Keel.Core.Tests.Pipelines;

public sealed class StageLaunchTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("keel-launch-").FullName;

    [Fact]
    public void CreateOutputParents_NestedOutputs_CreatesEveryParentButNotTheOutputs()
    {
        StageLaunch.CreateOutputParents(_root, ["models/a/b/model.zip", "reports/metrics/scores.json", "top.txt", "build/shards"]);

        Assert.True(Directory.Exists(Path.Combine(_root, "models", "a", "b")));
        Assert.True(Directory.Exists(Path.Combine(_root, "reports", "metrics")));
        Assert.True(Directory.Exists(Path.Combine(_root, "build")));
        Assert.False(Directory.Exists(Path.Combine(_root, "build", "shards")));
        Assert.False(File.Exists(Path.Combine(_root, "models", "a", "b", "model.zip")));
    }

    [Fact]
    public void ReplayEnvironment_RecordedSeed_SetsStageSeedAndReproduce()
    {
        var env = StageLaunch.ReplayEnvironment("train", "42");

        Assert.Equal("train", env["KEEL_STAGE"]);
        Assert.Equal("42", env["KEEL_SEED"]);
        Assert.Equal("1", env["KEEL_REPRODUCE"]);
        Assert.False(StageLaunch.ReplayEnvironment("train", null).ContainsKey("KEEL_SEED"));
    }

    [Fact]
    public void TailOfFile_LongLog_KeepsTheLastNonEmptyLines()
    {
        var log = Path.Combine(_root, "err.log");
        File.WriteAllText(log, string.Concat(Enumerable.Range(1, 40).Select(i => $"line {i}\n\n")));

        var tail = StageLaunch.TailOfFile(log, 3);

        Assert.Equal(["line 38", "line 39", "line 40"], tail);
        Assert.Empty(StageLaunch.TailOfFile(Path.Combine(_root, "missing.log")));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
