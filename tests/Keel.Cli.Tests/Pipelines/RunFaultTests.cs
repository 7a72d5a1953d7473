namespace Keel.Cli.Tests.Pipelines;

public sealed class RunFaultTests : IDisposable
{
    private readonly PipelineCli _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void Run_StageFails_KeepsItsOldOutputs_StopsDependents_RunsTheRest()
    {
        // Given a pipeline that succeeded once
        _cli.Write("mode.txt", "ok\n");
        _cli.Write("other.txt", "v1\n");
        _cli.Write("keel.yaml", """
            stages:
              a:
                cmd: cat mode.txt > a.txt; grep -q ok mode.txt || { echo boom >&2; exit 3; }
                deps: [mode.txt]
                outs: [a.txt]
              b:
                cmd: cat a.txt > b.txt
                deps: [a.txt]
                outs: [b.txt]
              c:
                cmd: cat other.txt > c.txt
                deps: [other.txt]
                outs: [c.txt]
            """);
        _cli.States();
        var oldA = _cli.Bytes("a.txt");
        var oldB = _cli.Bytes("b.txt");

        // When a fails (after writing a new a.txt in its sandbox) and c's input changed
        _cli.Write("mode.txt", "bad\n");
        _cli.Write("other.txt", "v2\n");
        var (exit, stages, raw) = _cli.RunJson();

        // Then a failed with its log named, its old output is untouched, b did not run, c ran
        Assert.True(exit == 1, raw.ToString());
        Assert.Equal("failed", stages["a"].State);
        Assert.Equal("exited with code 3", stages["a"].Message);
        Assert.NotNull(stages["a"].RunId);
        Assert.Equal("boom\n", File.ReadAllText(stages["a"].Log!));
        Assert.StartsWith(_cli.PathOf(".keel/logs/"), stages["a"].Log);
        Assert.Equal("not_run", stages["b"].State);
        Assert.Equal("upstream stage 'a' did not succeed", stages["b"].Message);
        Assert.Equal("ran", stages["c"].State);
        Assert.Equal(oldA, _cli.Bytes("a.txt"));
        Assert.Equal(oldB, _cli.Bytes("b.txt"));
        Assert.Equal("v2\n", _cli.Read("c.txt"));

        // And the human summary names what failed and where its log is
        var human = _cli.Run("run");
        Assert.Equal(1, human.ExitCode);
        Assert.Matches(@"a +failed .*exited with code 3; log: \.keel/logs/[0-9a-f-]+\.stderr\.log", human.Stdout);
        Assert.Matches("b +not run ", human.Stdout);
    }

    [Fact]
    public void Run_CommandNotFound_FailsWithExit127()
    {
        _cli.Write("keel.yaml", "stages:\n  s:\n    cmd: keel-no-such-command --x\n    outs: [s.txt]\n");

        var (exit, stages, raw) = _cli.RunJson();

        Assert.True(exit == 1, raw.ToString());
        Assert.Equal("failed", stages["s"].State);
        Assert.Equal("exited with code 127 (command not found)", stages["s"].Message);
        Assert.Contains("keel-no-such-command: command not found", File.ReadAllText(stages["s"].Log!));
        Assert.False(File.Exists(_cli.PathOf("s.txt")));
    }

    [Fact]
    public void Run_StageMissesItsDeclaredOutput_Fails()
    {
        _cli.Write("keel.yaml", "stages:\n  s:\n    cmd: echo hi > other.txt\n    outs: [s.txt]\n");

        var (exit, stages, _) = _cli.RunJson();

        Assert.Equal(1, exit);
        Assert.Equal("did not write its declared output 's.txt'", stages["s"].Message);
        Assert.False(File.Exists(_cli.PathOf("other.txt")));
    }

    [Fact]
    public void Run_StageWritesOutsideItsOutputs_WarnsAndDiscardsTheWrite()
    {
        _cli.Write("keel.yaml", "stages:\n  s:\n    cmd: echo stray > stray.txt; mkdir -p junk && echo j > junk/x; echo ok > s.txt\n    outs: [s.txt]\n");

        var (exit, stages, raw) = _cli.RunJson();

        Assert.True(exit == 0, raw.ToString());
        Assert.Equal("ran", stages["s"].State);
        Assert.Equal(
            ["wrote 'junk', which is not a declared output; it was discarded (declare it under outs:)",
             "wrote 'stray.txt', which is not a declared output; it was discarded (declare it under outs:)"],
            stages["s"].Warnings.Order(StringComparer.Ordinal));
        Assert.False(File.Exists(_cli.PathOf("stray.txt")));
        Assert.Equal("ok\n", _cli.Read("s.txt"));
        Assert.Contains("warning: wrote 'stray.txt'", _cli.Run("run", "--force").Stdout);
    }

    [Fact]
    public void Run_StageDeletesItsInput_FailsAndRecordsNoSuccess()
    {
        _cli.Write("in.txt", "precious\n");
        _cli.Write("keel.yaml", "stages:\n  s:\n    cmd: cat in.txt > s.txt && rm in.txt\n    deps: [in.txt]\n    outs: [s.txt]\n");

        var (exit, stages, raw) = _cli.RunJson();

        Assert.True(exit == 1, raw.ToString());
        Assert.Equal("failed", stages["s"].State);
        Assert.Equal("deleted its own input 'in.txt'", stages["s"].Message);
        Assert.False(File.Exists(_cli.PathOf("s.txt")));
        Assert.False(File.Exists(_cli.PathOf("keel.lock")));
        Assert.Equal("failed", _cli.States(1)["s"]);
    }

    [Fact]
    public void Run_StageModifiesItsInput_Fails()
    {
        _cli.Write("in.txt", "precious\n");
        _cli.Write("keel.yaml", "stages:\n  s:\n    cmd: echo more >> in.txt; echo done > s.txt\n    deps: [in.txt]\n    outs: [s.txt]\n");

        var (exit, stages, _) = _cli.RunJson();

        Assert.Equal(1, exit);
        Assert.Equal("modified its own input 'in.txt'", stages["s"].Message);
        Assert.False(File.Exists(_cli.PathOf("s.txt")));
    }

    [Fact]
    public void Run_AbsolutePathWrite_BypassesTheSandbox()
    {
        var outside = Path.Combine(_cli.Outside, "direct.txt");
        _cli.Write("keel.yaml", $"stages:\n  s:\n    cmd: echo direct > {outside}; echo ok > s.txt\n    outs: [s.txt]\n");

        var (exit, stages, _) = _cli.RunJson();

        Assert.Equal(0, exit);
        Assert.Empty(stages["s"].Warnings);
        Assert.Equal("direct\n", File.ReadAllText(outside));
    }
}
