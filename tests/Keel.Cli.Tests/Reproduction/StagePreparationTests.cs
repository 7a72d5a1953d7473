using Keel.Cli.Tests.Pipelines;

namespace Keel.Cli.Tests.Reproduction;

/// <summary>
/// A replayed step is prepared as <c>keel run</c> prepares a stage (issue 17, failures 1 and 2),
/// and a step that fails is reported as failed, apart from outputs not produced or differing.
/// </summary>
public sealed class StagePreparationTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("keel-stage-prep-").FullName;
    private readonly ReproCli _cli;

    public StagePreparationTests() => _cli = new ReproCli(Path.Combine(_temp, "home"));

    private string Pipeline(string yaml, string gitignore = "")
    {
        var root = Pipeline(yaml, gitignore, out var first);
        PipelineCli.Check(first);
        return root;
    }

    private string Pipeline(string yaml, string gitignore, out CliResult firstRun)
    {
        var root = Path.Combine(_temp, "ws-" + Guid.NewGuid().ToString("N")[..8]);
        firstRun = _cli.NewPipeline(root, yaml, (".gitignore", gitignore));
        return root;
    }

    [Fact]
    public void Reproduce_OutputInAGitignoredFolderTheCommandDoesNotCreate_CreatesItsParentAndReproduces()
    {
        var root = Pipeline("""
            stages:
              train:
                cmd: echo "seed $KEEL_SEED stage $KEEL_STAGE" > models/deep/model.txt
                outs: [{path: models/deep/model.txt, kind: model}]
            """, "/models/\n");

        var r = _cli.Run(root, "reproduce", "models/deep/model.txt");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("REPRODUCED models/deep/model.txt", r.Stdout);
    }

    [Fact]
    public void Reproduce_StepExitsNonZero_IsReportedFailedWithExitCodeStderrAndLogAndNoUncheckedCause()
    {
        var root = Pipeline("""
            stages:
              train:
                cmd: 'if [ -n "$KEEL_REPRODUCE" ]; then echo "cannot open the model folder" >&2; exit 134; fi; echo ok > m.txt'
                outs: [{path: m.txt, kind: model}]
            """);

        var r = _cli.Run(root, "reproduce", "m.txt");
        var json = ReproCli.Json(_cli.Run(root, "reproduce", "m.txt", "--json"));

        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Matches(@"step train +failed .*exit code 134, log: \S+01-train\.log", r.Stdout);
        Assert.Contains("| cannot open the model folder", r.Stdout);
        Assert.Contains("FAILED       m.txt [model]: not compared: its step failed with exit code 134", r.Stdout);
        Assert.Contains("NOT REPRODUCED m.txt: 1 step failed", r.Stdout);
        Assert.DoesNotContain("did not produce", r.Stdout);
        Assert.DoesNotContain("not deterministic", r.Stdout);
        Assert.Equal("step_failed", json.GetProperty("outputs")[0].GetProperty("status").GetString());
        Assert.Equal(134, json.GetProperty("steps")[0].GetProperty("exit_code").GetInt32());
        Assert.Equal("cannot open the model folder", json.GetProperty("steps")[0].GetProperty("stderr_tail")[0].GetString());
    }

    [Fact]
    public void Reproduce_StepExitsZeroWithoutItsOutput_IsReportedNotProduced()
    {
        var root = Pipeline("""
            stages:
              train:
                cmd: '[ -n "$KEEL_REPRODUCE" ] || echo ok > m.txt'
                outs: [{path: m.txt, kind: model}]
            """);

        var r = _cli.Run(root, "reproduce", "m.txt");

        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("NOT PRODUCED m.txt [model]: the replayed step exited 0 but did not produce it", r.Stdout);
        Assert.Contains("1 output not produced", r.Stdout);
        Assert.DoesNotContain("not deterministic", r.Stdout);
    }

    [Fact]
    public void Run_StageExitsNonZero_PrintsExitCodeLastStderrLinesAndLog()
    {
        var root = Pipeline("""
            stages:
              train:
                cmd: echo "first" >&2; echo "Unhandled exception. DirectoryNotFoundException" >&2; exit 134
                outs: [m.txt]
            """, "", out var r);

        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Matches(@"train +failed .*exited with code 134; log: \S+\.stderr\.log", r.Stdout);
        Assert.Contains("  | Unhandled exception. DirectoryNotFoundException", r.Stdout);
    }

    [Fact]
    public void Replay_StepFailsInTheCheckout_ReportsExitCodeAndStderrAndRunsNothingAfter()
    {
        var root = Pipeline("""
            stages:
              prepare:
                cmd: '[ -z "$KEEL_REPRODUCE" ] || { echo "no GPU here" >&2; exit 3; }; echo a > a.txt'
                outs: [a.txt]
              train:
                cmd: cat a.txt > b.txt
                deps: [a.txt]
                outs: [b.txt]
            """);
        var recovered = Path.Combine(_temp, "recovered");
        PipelineCli.Check(_cli.Run(root, "recover", "b.txt", "-o", recovered));

        var psi = new System.Diagnostics.ProcessStartInfo("/bin/bash") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(recovered, "replay.sh"));
        psi.Environment["KEEL"] = PipelineCli.Binary;
        using var p = System.Diagnostics.Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();

        Assert.True(p.ExitCode == 1, stdout);
        Assert.Matches(@"FAILED +step 1 \(prepare\): exit code 3; log: \S+01-prepare\.stderr\.log", stdout);
        Assert.Contains("  | no GPU here", stdout);
        Assert.Contains("NOT RUN      step 2 (train)", stdout);
        Assert.DoesNotContain("MISSING", stdout);
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
