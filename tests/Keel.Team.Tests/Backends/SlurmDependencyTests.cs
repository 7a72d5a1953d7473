using Keel.Metadata;
using Keel.Objects;
using Keel.Pipelines;
using Keel.S3;
using Keel.Team.Tests.Infrastructure;

namespace Keel.Team.Tests.Backends;

[RequiresService("KEEL_TEST_SLURM")]
public sealed class SlurmDependencyTests : IDisposable
{
    private readonly TempDir _dir = new();

    private StageJob Job(string name, string command) =>
        new(name, command, Directory.CreateDirectory(_dir.File(name)).FullName, new Dictionary<string, string>(), new StageResources(1, 0, 0),
            _dir.File(name + ".out"), _dir.File(name + ".err"), null) { Outputs = ["o.txt"] };

    [ServiceFact]
    public async Task AfterOk_UpstreamSucceeds_DownstreamRunsAfterIt()
    {
        var uri = Services.NewS3Bucket("ws");
        using var executor = SlurmFixture.Executor(new S3ObjectStore(uri, _dir.File("cache")), uri);
        var a = Job("a", "date +%s%N > o.txt; sleep 1");
        var b = Job("b", "date +%s%N > o.txt");

        var ja = await executor.SubmitAsync(a, [], CancellationToken.None);
        var jb = await executor.SubmitAsync(b, [ja], CancellationToken.None);
        var ob = await executor.WaitAsync(jb, b, CancellationToken.None);
        var oa = await executor.WaitAsync(ja, a, CancellationToken.None);

        Assert.True(oa.Succeeded && ob.Succeeded, $"{oa} {ob}");
        var ta = long.Parse(File.ReadAllText(Path.Combine(a.WorkingDirectory, "o.txt")), System.Globalization.CultureInfo.InvariantCulture);
        var tb = long.Parse(File.ReadAllText(Path.Combine(b.WorkingDirectory, "o.txt")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(tb > ta + 900_000_000, "b started before a finished");
    }

    [ServiceFact]
    public async Task AfterOk_UpstreamFails_DownstreamNeverRuns()
    {
        var uri = Services.NewS3Bucket("ws");
        using var executor = SlurmFixture.Executor(new S3ObjectStore(uri, _dir.File("cache")), uri);
        var a = Job("a", "exit 4");
        var b = Job("b", "echo ran > o.txt");

        var ja = await executor.SubmitAsync(a, [], CancellationToken.None);
        var jb = await executor.SubmitAsync(b, [ja], CancellationToken.None);
        var oa = await executor.WaitAsync(ja, a, CancellationToken.None);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var ob = await executor.WaitAsync(jb, b, limit.Token);

        Assert.Equal(4, oa.ExitCode);
        Assert.False(ob.Succeeded);
        Assert.False(File.Exists(Path.Combine(b.WorkingDirectory, "o.txt")));
        Assert.Contains("never ran", ob.Error, StringComparison.Ordinal);
    }

    [ServiceFact]
    public async Task Wait_JobKilledOnTheNode_FailsWithTheSlurmStateAndNoOutputs()
    {
        // Given a running job.
        var uri = Services.NewS3Bucket("ws");
        using var executor = SlurmFixture.Executor(new S3ObjectStore(uri, _dir.File("cache")), uri);
        var a = Job("a", "sleep 120; echo late > o.txt");
        var ja = await executor.SubmitAsync(a, [], CancellationToken.None);
        var conf = new Dictionary<string, string> { ["SLURM_CONF"] = Environment.GetEnvironmentVariable("KEEL_TEST_SLURM_CONF")! };
        for (var i = 0; i < 300 && TeamCli.Sh(_dir.Path, $"squeue -h -j {ja.Id} -o %T", conf).Trim() != "RUNNING"; i++) await Task.Delay(100);

        // When an administrator (or the node) kills it.
        TeamCli.Sh(_dir.Path, $"scancel {ja.Id}", conf);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var outcome = await executor.WaitAsync(ja, a, limit.Token);

        // Then the stage fails, saying what Slurm reported (whether or not the worker got to report), with nothing written.
        Assert.False(outcome.Succeeded);
        Assert.Contains("CANCELLED", outcome.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(a.WorkingDirectory, "o.txt")));
    }

    [ServiceFact]
    public void Register_FileObjectStore_RefusedWithAClearMessage()
    {
        Keel.Slurm.SlurmBackend.Register();
        var e = Assert.Throws<KeelException>(() => Keel.Workspaces.Backends.CreateExecutor(
            new Keel.Workspaces.BackendContext(Services.Slurm!, _dir.Path, TimeProvider.System, new LocalObjectStore(_dir.File("o")), "file:.keel/objects")));
        Assert.Contains("s3://", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
