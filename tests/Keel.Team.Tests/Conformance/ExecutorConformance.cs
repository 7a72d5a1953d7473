using Keel.Metadata;
using Keel.Objects;
using Keel.Pipelines;
using Keel.Team.Tests.Infrastructure;

namespace Keel.Team.Tests.Conformance;

/// <summary>
/// The executor contract, run against the local executor and Slurm. Each job gets a working
/// directory holding its inputs (as the runner's sandbox does) and the same inputs in the
/// object store (what a worker without a shared filesystem fetches).
/// </summary>
public abstract class ExecutorConformance : IDisposable
{
    protected TempDir Dir { get; } = new();

    protected abstract IObjectStore Objects { get; }

    protected abstract IStageExecutor Executor { get; }

    protected StageJob Job(string command, string input = "1\n2\n3\n", params string[] outputs)
    {
        var work = Dir.File("tree-" + Guid.NewGuid().ToString("N")[..8]);
        var inputPath = Path.Combine(work, "data", "in.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(inputPath)!);
        File.WriteAllText(inputPath, input);
        var d = ContentHasher.HashFile(inputPath);
        Objects.PutFile(d, inputPath);
        foreach (var o in outputs) Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(work, o))!);
        return new StageJob("s", command, work, new Dictionary<string, string> { ["KEEL_SEED"] = "7" }, new StageResources(1, 64L << 20, 0),
            Path.Combine(work, "..", Path.GetFileName(work) + ".out"), Path.Combine(work, "..", Path.GetFileName(work) + ".err"), null)
        {
            Inputs = [new StageInput("data/in.txt", d, TreeKind.File)],
            Outputs = outputs,
        };
    }

    [ServiceFact]
    public async Task Execute_Succeeds_OutputsLandInTheWorkingDirectoryWithLogs()
    {
        var job = Job("mkdir -p out/dir && awk '{s+=$1} END {print s}' data/in.txt > out/sum.txt && echo seed=$KEEL_SEED > out/dir/seed.txt && echo done && echo warn >&2",
            outputs: ["out/sum.txt", "out/dir"]);

        var outcome = await Executor.ExecuteAsync(job, CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ToString());
        Assert.Equal("6\n", File.ReadAllText(Path.Combine(job.WorkingDirectory, "out/sum.txt")));
        Assert.Equal("seed=7\n", File.ReadAllText(Path.Combine(job.WorkingDirectory, "out/dir/seed.txt")));
        Assert.Contains("done", File.ReadAllText(job.StdoutPath), StringComparison.Ordinal);
        Assert.Contains("warn", File.ReadAllText(job.StderrPath), StringComparison.Ordinal);
    }

    [ServiceFact]
    public async Task Execute_StageAppendsToMetricsFile_TheSubmittersFileHoldsIt()
    {
        var metrics = Dir.File("submitter-" + Guid.NewGuid().ToString("N")[..8] + "-metrics.jsonl");
        var job = Job("mkdir -p out && echo x > out/x.txt && echo '{\"auc\": 0.9}' >> \"$KEEL_METRICS_FILE\"", outputs: ["out/x.txt"]);
        job = job with { Environment = new Dictionary<string, string>(job.Environment) { ["KEEL_METRICS_FILE"] = metrics } };

        var outcome = await Executor.ExecuteAsync(job, CancellationToken.None);

        Assert.True(outcome.Succeeded, outcome.ToString());
        Assert.Equal("{\"auc\": 0.9}\n", File.ReadAllText(metrics));
    }

    [ServiceFact]
    public async Task Execute_CommandFails_ExitCodeAndItsLogKept()
    {
        var job = Job("echo 'bad input on line 3' >&2; exit 3", outputs: ["out/x.txt"]);

        var outcome = await Executor.ExecuteAsync(job, CancellationToken.None);

        Assert.False(outcome.Succeeded);
        Assert.Equal(3, outcome.ExitCode);
        Assert.False(outcome.Killed);
        Assert.Contains("bad input on line 3", File.ReadAllText(job.StderrPath), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(job.WorkingDirectory, "out/x.txt")));
    }

    [ServiceFact]
    public async Task Execute_Cancelled_KilledPromptly()
    {
        var job = Job("sleep 120", outputs: ["out/x.txt"]);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var outcome = await Executor.ExecuteAsync(job, cts.Token);

        Assert.True(outcome.Killed);
        Assert.False(outcome.Succeeded);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
    }

    public void Dispose()
    {
        (Executor as IDisposable)?.Dispose();
        Dir.Dispose();
        GC.SuppressFinalize(this);
    }
}
