namespace Keel.Cli.Tests.Pipelines;

/// <summary>
/// The no-op shortcut of a plain <c>keel run</c>: taken only when the workspace is exactly as the
/// last successful run left it, and otherwise the full path, which re-runs what changed. Each
/// test settles the workspace first (mtimes moved out of the racy window), so that the snapshot
/// is written and the shortcut is really what a change has to get past.
/// </summary>
public sealed class NoopShortcutTests : IDisposable
{
    private const string Shortcut = "noop: up to date";
    private readonly PipelineCli _cli = new();

    public NoopShortcutTests() => _cli.Environment["KEEL_TRACE"] = "1";

    public void Dispose() => _cli.Dispose();

    private string Runs => Path.Combine(_cli.Outside, "runs");

    private string[] TakeRunLog()
    {
        var lines = File.Exists(Runs) ? File.ReadAllLines(Runs) : [];
        File.Delete(Runs);
        return lines;
    }

    // a reads a script, a folder, a file and a param; b reads a's output and writes a folder.
    private void WritePipeline()
    {
        _cli.Write("params.yaml", "p: 1\n");
        _cli.Write("code/step.sh", "echo step-v1\n");
        _cli.Write("data/x.txt", "xxxx\n");
        _cli.Write("data/nested/y.txt", "yyyy\n");
        _cli.Write("in.txt", "input\n");
        _cli.Write("keel.yaml", $"""
            stages:
              a:
                cmd: echo a >> {Runs}; mkdir -p out && (sh code/step.sh; cat in.txt data/x.txt data/nested/y.txt; grep '^p:' params.yaml) > out/a.txt
                deps: [code/step.sh, data, in.txt]
                params: [p]
                outs: [out/a.txt]
              b:
                cmd: echo b >> {Runs}; mkdir -p out/b && sort out/a.txt > out/b/sorted.txt
                deps: [out/a.txt]
                outs: [out/b]
            """);
    }

    /// <summary>Moves every mtime a minute back (as if the files were written a while ago), then lets a full run write the snapshot.</summary>
    private void Settle()
    {
        var past = DateTime.UtcNow.AddMinutes(-1);
        foreach (var path in Directory.EnumerateFileSystemEntries(_cli.Root, "*", SearchOption.AllDirectories))
        {
            if (path.Contains("/.keel", StringComparison.Ordinal)) continue;
            if (Directory.Exists(path)) Directory.SetLastWriteTimeUtc(path, past);
            else File.SetLastWriteTimeUtc(path, past);
        }
        var full = PipelineCli.Check(_cli.Run("run"));
        Assert.Contains("run: no-op snapshot written", full.Stderr);
        TakeRunLog();
    }

    private static Dictionary<string, string> States(CliResult r) =>
        r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(p => p[0], p => p[1]);

    /// <summary>Rewrites a file in place (same inode) with other bytes of the same size.</summary>
    private void RewriteSameSize(string relative, string text)
    {
        var path = _cli.PathOf(relative);
        Assert.Equal(new FileInfo(path).Length, text.Length);
        File.WriteAllText(path, text);
    }

    private static string WithoutTimes(string summary) =>
        System.Text.RegularExpressions.Regex.Replace(summary, @" +[0-9]+\.[0-9]{2}s  ", " <time>  ");

    private CliResult RunFull()
    {
        var r = _cli.Run("run");
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.DoesNotContain(Shortcut, r.Stderr);
        return r;
    }

    [Fact]
    public void Run_NothingChanged_TakesShortcutAndPrintsWhatTheFullPathPrints()
    {
        // Given a settled pipeline and the summary the full path prints for a no-op
        WritePipeline();
        PipelineCli.Check(_cli.Run("run"));
        Settle();
        _cli.Environment.Remove("KEEL_TRACE");
        File.Delete(Path.Combine(_cli.Root, ".keel", "cache", "noop.bin"));
        var full = PipelineCli.Check(_cli.Run("run"));

        // When nothing changed
        var shortcut = PipelineCli.Check(_cli.Run("run"));
        _cli.Environment["KEEL_TRACE"] = "1";
        var traced = PipelineCli.Check(_cli.Run("run"));

        // Then the shortcut answers, with the same lines (times apart), and runs nothing
        Assert.Contains(Shortcut, traced.Stderr);
        Assert.Equal(WithoutTimes(full.Stdout), WithoutTimes(shortcut.Stdout));
        Assert.Equal(new Dictionary<string, string> { ["a"] = "skipped", ["b"] = "skipped" }, States(shortcut));
        Assert.Empty(shortcut.Stderr);
        Assert.Empty(TakeRunLog());
    }

    [Fact]
    public void Run_ParamChanged_FullPathRerunsItsStageAndDependents()
    {
        WritePipeline();
        PipelineCli.Check(_cli.Run("run"));
        Settle();

        RewriteSameSize("params.yaml", "p: 2\n");
        var r = RunFull();

        Assert.Equal(["a", "b"], TakeRunLog());
        Assert.Equal("ran", States(r)["a"]);
    }

    [Theory]
    [InlineData("code/step.sh", "echo step-v2\n", "step-v2")] // a code file
    [InlineData("data/nested/y.txt", "zzzz\n", "zzzz")] // a file inside an input folder
    public void Run_DependencyChangedWithSameSize_StageReruns(string file, string content, string seen)
    {
        WritePipeline();
        PipelineCli.Check(_cli.Run("run"));
        Settle();

        RewriteSameSize(file, content);
        RunFull();

        Assert.Equal(["a", "b"], TakeRunLog());
        Assert.Contains(seen, _cli.Read("out/a.txt"));
    }

    [Fact]
    public void Run_FileAddedToInputFolder_StageReruns()
    {
        WritePipeline();
        PipelineCli.Check(_cli.Run("run"));
        Settle();

        _cli.Write("data/nested/new.txt", "new\n");
        RunFull();

        Assert.Equal(["a"], TakeRunLog());
    }

    [Fact]
    public void Run_KeelYamlChanged_ChangedStageReruns()
    {
        WritePipeline();
        PipelineCli.Check(_cli.Run("run"));
        Settle();

        _cli.Write("keel.yaml", _cli.Read("keel.yaml").Replace("sort out/a.txt", "sort -r out/a.txt", StringComparison.Ordinal));
        var r = RunFull();

        Assert.Equal(["b"], TakeRunLog());
        Assert.Equal(new Dictionary<string, string> { ["a"] = "skipped", ["b"] = "ran" }, States(r));
    }

    [Fact]
    public void Run_StageRemovedFromKeelLock_FullPathBringsItBack()
    {
        WritePipeline();
        PipelineCli.Check(_cli.Run("run"));
        Settle();

        var text = _cli.Read("keel.lock");
        _cli.Write("keel.lock", text[..text.IndexOf("  \"b\":", StringComparison.Ordinal)]);
        var r = RunFull();

        Assert.Equal(new Dictionary<string, string> { ["a"] = "skipped", ["b"] = "restored" }, States(r));
        Assert.Contains("\"b\":", _cli.Read("keel.lock"));
    }

    [Fact]
    public void Run_OutputMissing_FullPathRestoresIt()
    {
        WritePipeline();
        PipelineCli.Check(_cli.Run("run"));
        var expected = _cli.Read("out/b/sorted.txt");
        Settle();

        Directory.Delete(_cli.PathOf("out/b"), recursive: true);
        var r = RunFull();

        Assert.Equal("restored", States(r)["b"]);
        Assert.Equal(expected, _cli.Read("out/b/sorted.txt"));
    }

    [Fact]
    public void Run_OutputModifiedWithSameSize_FullPathRestoresIt()
    {
        WritePipeline();
        PipelineCli.Check(_cli.Run("run"));
        var expected = _cli.Read("out/a.txt");
        Settle();

        RewriteSameSize("out/a.txt", new string('#', expected.Length));
        var r = RunFull();

        Assert.Equal("restored", States(r)["a"]);
        Assert.Equal(expected, _cli.Read("out/a.txt"));
    }

    [Fact]
    public void Run_InputRewrittenInTheSameClockTick_StageReruns()
    {
        // Given a settled pipeline whose script was just edited and run
        WritePipeline();
        PipelineCli.Check(_cli.Run("run"));
        Settle();
        RewriteSameSize("code/step.sh", "echo step-v2\n");
        RunFull();
        Assert.Equal(["a", "b"], TakeRunLog());

        // When it is edited again so fast that size and mtime stay the same (one clock tick)
        var mtime = File.GetLastWriteTimeUtc(_cli.PathOf("code/step.sh"));
        RewriteSameSize("code/step.sh", "echo step-v3\n");
        File.SetLastWriteTimeUtc(_cli.PathOf("code/step.sh"), mtime);
        RunFull();

        // Then the edit is still seen: the first run vouched for nothing in its racy window
        Assert.Equal(["a", "b"], TakeRunLog());
        Assert.Contains("step-v3", _cli.Read("out/a.txt"));
    }

    [Fact]
    public void Run_InputsWrittenWithinRacyWindow_WritesNoSnapshot()
    {
        // Given inputs and outputs written just now
        WritePipeline();
        PipelineCli.Check(_cli.Run("run"));

        // When a no-op run follows straight away
        var r = PipelineCli.Check(_cli.Run("run"));

        // Then it does not vouch for files a same-tick rewrite could change unseen
        Assert.Contains("run: no-op snapshot not written", r.Stderr);
        Assert.False(File.Exists(Path.Combine(_cli.Root, ".keel", "cache", "noop.bin")));
    }

    [Fact]
    public void Run_DamagedSnapshot_FallsBackToFullPath()
    {
        WritePipeline();
        PipelineCli.Check(_cli.Run("run"));
        Settle();

        var snapshot = Path.Combine(_cli.Root, ".keel", "cache", "noop.bin");
        File.WriteAllBytes(snapshot, File.ReadAllBytes(snapshot)[..100]);
        var r = RunFull();

        Assert.Equal(new Dictionary<string, string> { ["a"] = "skipped", ["b"] = "skipped" }, States(r));
        Assert.Empty(TakeRunLog());
    }

    [Fact]
    public void Run_AnotherRunHoldsTheLock_ReportsItInsteadOfShortcut()
    {
        WritePipeline();
        PipelineCli.Check(_cli.Run("run"));
        Settle();

        using (new FileStream(Path.Combine(_cli.Root, ".keel", "run.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var r = _cli.Run("run");

            Assert.Equal(2, r.ExitCode);
            Assert.Contains("another 'keel run' is running", r.Stderr);
        }
    }

    [Fact]
    public void Run_FromSubfolder_TakesShortcut()
    {
        WritePipeline();
        PipelineCli.Check(_cli.Run("run"));
        Settle();

        var r = PipelineCli.Check(_cli.RunIn("data/nested", "run"));

        Assert.Contains(Shortcut, r.Stderr);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "skipped", ["b"] = "skipped" }, States(r));
    }
}
