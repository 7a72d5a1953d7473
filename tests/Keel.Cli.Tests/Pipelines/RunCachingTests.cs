namespace Keel.Cli.Tests.Pipelines;

public sealed class RunCachingTests : IDisposable
{
    private readonly PipelineCli _cli = new();

    public void Dispose() => _cli.Dispose();

    private string Runs => Path.Combine(_cli.Outside, "runs");

    private string[] RunLog() => File.Exists(Runs) ? File.ReadAllLines(Runs) : [];

    // one reads param a; two reads one's output and param b; three reads two's; four stands alone.
    // Every command appends its name to a file outside the workspace, so a test sees what ran.
    private void WriteChain()
    {
        _cli.Write("params.yaml", "a: 1\nb: 2\n");
        _cli.Write("in.txt", "input\n");
        _cli.Write("keel.yaml", $"""
            stages:
              one:
                cmd: echo one >> {Runs}; (cat in.txt; grep '^a:' params.yaml) > one.txt
                deps: [in.txt]
                params: [a]
                outs: [one.txt]
              two:
                cmd: echo two >> {Runs}; (cat one.txt; grep '^b:' params.yaml) > two.txt
                deps: [one.txt]
                params: [b]
                outs: [two.txt]
              three:
                cmd: echo three >> {Runs}; mkdir -p out/three && sort -r two.txt > out/three/result.txt
                deps: [two.txt]
                outs: [out/three]
              four:
                cmd: echo four >> {Runs}; echo alone > four.txt
                outs: [four.txt]
            """);
    }

    [Fact]
    public void Run_ParamChanged_OnlyItsStageAndDependentsRerun()
    {
        // Given a pipeline that has run once
        WriteChain();
        Assert.Equal(["ran", "ran", "ran", "ran"], _cli.States().Values);
        Assert.Equal("input\na: 1\nb: 2\n", _cli.Read("two.txt"));
        Assert.Equal("input\nb: 2\na: 1\n", _cli.Read("out/three/result.txt"));

        // When param b changes
        _cli.Write("params.yaml", "a: 1\nb: 3\n");
        File.Delete(Runs);
        var states = _cli.States();

        // Then two and three re-run, one and four are skipped
        Assert.Equal(new Dictionary<string, string> { ["one"] = "skipped", ["two"] = "ran", ["three"] = "ran", ["four"] = "skipped" }, states);
        Assert.Equal(["two", "three"], RunLog());
        Assert.Equal("input\nb: 3\na: 1\n", _cli.Read("out/three/result.txt"));
        Assert.Contains("\"params.yaml:b\": \"3\"", _cli.Read("keel.lock"));
    }

    [Fact]
    public void Run_NothingChanged_SkipsEverythingWithoutRunning()
    {
        WriteChain();
        _cli.States();
        File.Delete(Runs);

        var states = _cli.States();

        Assert.All(states.Values, s => Assert.Equal("skipped", s));
        Assert.Empty(RunLog());
    }

    [Fact]
    public void Run_CodeChangedThenReverted_RerunsThenRestoresFromCacheByteForByte()
    {
        // Given a stage whose output depends on a script it declares as a dependency
        _cli.Write("code/make.sh", "printf 'version 1\\n\\x00\\x01\\xff'\n");
        _cli.Write("keel.yaml", $"""
            stages:
              make:
                cmd: echo make >> {Runs}; bash code/make.sh > out/result.bin
                deps: [code/make.sh]
                outs: [out/result.bin]
              after:
                cmd: echo after >> {Runs}; wc -c < out/result.bin > size.txt
                deps: [out/result.bin]
                outs: [size.txt]
            """);
        Assert.Equal(["ran", "ran"], _cli.States().Values);
        var original = _cli.Bytes("out/result.bin");
        var originalLock = _cli.Bytes("keel.lock");

        // When the code changes, the stage re-runs
        _cli.Write("code/make.sh", "printf 'version 2, longer\\n'\n");
        Assert.Equal(["ran", "ran"], _cli.States().Values);
        Assert.Equal("version 2, longer\n", _cli.Read("out/result.bin"));

        // And when it is reverted, the old outputs come back from the run cache without running
        _cli.Write("code/make.sh", "printf 'version 1\\n\\x00\\x01\\xff'\n");
        File.Delete(Runs);
        var (exit, stages, raw) = _cli.RunJson();

        Assert.True(exit == 0, raw.ToString());
        Assert.Equal("restored", stages["make"].State);
        Assert.Equal("restored", stages["after"].State);
        Assert.Null(stages["make"].RunId);
        Assert.Empty(RunLog());
        Assert.Equal(original, _cli.Bytes("out/result.bin"));
        Assert.Equal(original.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), _cli.Read("size.txt").Trim());
        Assert.Equal(originalLock, _cli.Bytes("keel.lock"));
    }

    [Fact]
    public void Run_OutputDeleted_RestoresItFromCacheWithoutRunning()
    {
        WriteChain();
        _cli.States();
        var expected = _cli.Bytes("out/three/result.txt");
        Directory.Delete(_cli.PathOf("out/three"), recursive: true);
        File.Delete(Runs);

        var states = _cli.States();

        Assert.Equal("restored", states["three"]);
        Assert.Empty(RunLog());
        Assert.Equal(expected, _cli.Bytes("out/three/result.txt"));
    }

    [Fact]
    public void Run_ForceTwice_WritesByteIdenticalLockFile()
    {
        WriteChain();
        _cli.States();
        var first = _cli.Bytes("keel.lock");

        var states = _cli.States(0, "--force");

        Assert.All(states.Values, s => Assert.Equal("ran", s));
        Assert.Equal(first, _cli.Bytes("keel.lock"));
        _cli.States(0, "--force");
        Assert.Equal(first, _cli.Bytes("keel.lock"));
        var text = _cli.Read("keel.lock");
        Assert.DoesNotContain(DateTime.UtcNow.Year.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-", text);
        Assert.Contains("  \"three\":\n    cmd: ", text);
    }

    [Fact]
    public void Run_NamedStage_RunsOnlyItAndWhatItNeeds()
    {
        WriteChain();

        var states = _cli.States(0, "two");

        Assert.Equal(["one", "two"], states.Keys);
        Assert.Equal(["one", "two"], RunLog());
        Assert.False(File.Exists(_cli.PathOf("four.txt")));
    }

    [Fact]
    public void Run_DryRun_RunsNothingAndChangesNothing()
    {
        // Given a pipeline that ran, then a param change
        WriteChain();
        _cli.States();
        var lockBefore = _cli.Bytes("keel.lock");
        var twoBefore = _cli.Bytes("two.txt");
        _cli.Write("params.yaml", "a: 1\nb: 9\n");
        File.Delete(Runs);

        // When dry-run
        var states = _cli.States(0, "--dry-run");

        // Then it says what would run and runs nothing
        Assert.Equal(new Dictionary<string, string> { ["one"] = "skipped", ["two"] = "would_run", ["three"] = "would_run", ["four"] = "skipped" }, states);
        Assert.Empty(RunLog());
        Assert.Equal(twoBefore, _cli.Bytes("two.txt"));
        Assert.Equal(lockBefore, _cli.Bytes("keel.lock"));
    }

    [Fact]
    public void Run_JobsTwo_RunsIndependentStagesAtTheSameTime()
    {
        // Given two stages that each succeed only if the other has started meanwhile
        var markers = Path.Combine(_cli.Outside, "markers");
        Directory.CreateDirectory(markers);
        string Stage(string me, string other) =>
            $"touch {markers}/{me}; for i in $(seq 300); do [ -f {markers}/{other} ] && break; sleep 0.05; done; [ -f {markers}/{other} ] && echo {me} > {me}.txt";
        _cli.Write("keel.yaml", $"""
            stages:
              a:
                cmd: {Stage("a", "b")}
                outs: [a.txt]
              b:
                cmd: {Stage("b", "a")}
                outs: [b.txt]
            """);

        var (exit, stages, raw) = _cli.RunJson("--jobs", "2");

        Assert.True(exit == 0, raw.ToString());
        Assert.Equal("ran", stages["a"].State);
        Assert.Equal("ran", stages["b"].State);
        Assert.Equal("a\n", _cli.Read("a.txt"));
        Assert.Equal("b\n", _cli.Read("b.txt"));
    }

    [Fact]
    public void Dag_Dot_PrintsTheGraph()
    {
        WriteChain();

        var r = PipelineCli.Check(_cli.Run("dag", "--dot"));

        Assert.Equal(
            "digraph pipeline {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n  \"one\";\n  \"two\";\n  \"three\";\n  \"four\";\n  \"one\" -> \"two\";\n  \"two\" -> \"three\";\n}\n",
            r.Stdout);
        Assert.Contains("flowchart LR", PipelineCli.Check(_cli.Run("dag", "--mermaid")).Stdout);
        Assert.False(File.Exists(Runs));
    }

    [Fact]
    public void Dag_InvalidPipeline_ReportsFileLineColumn()
    {
        _cli.Write("keel.yaml", "stages:\n  a:\n    cmd: x\n    dep: [y]\n");

        var r = _cli.Run("dag");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("keel.yaml:4:5: unknown key 'dep' in stage 'a'; did you mean 'deps'?", r.Stderr);
    }
}
