using System.Diagnostics;

namespace Keel.Cli.Tests.Pipelines;

public sealed class RunKillTests : IDisposable
{
    private readonly PipelineCli _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public void Run_KilledMidStage_LeavesOldOutputs_AndTheNextRunCompletes()
    {
        // Given a pipeline that ran once; the stage sleeps while a flag outside the workspace exists
        var started = Path.Combine(_cli.Outside, "started");
        var slow = Path.Combine(_cli.Outside, "slow");
        _cli.Write("params.yaml", "v: 1\n");
        _cli.Write("keel.yaml", $"""
            stages:
              gen:
                cmd: mkdir -p out && grep ^v params.yaml > out/part1.txt; if [ -f {slow} ]; then touch {started}; sleep 60; fi; cp out/part1.txt out/part2.txt
                params: [v]
                outs: [out]
              use:
                cmd: cat out/part1.txt out/part2.txt > use.txt
                deps: [out]
                outs: [use.txt]
            """);
        Assert.Equal(["ran", "ran"], _cli.States().Values);
        var oldPart1 = _cli.Bytes("out/part1.txt");
        var oldUse = _cli.Bytes("use.txt");

        // When a run that must re-run gen is killed (with its whole process tree) mid-stage
        _cli.Write("params.yaml", "v: 2\n");
        File.WriteAllText(slow, "");
        using (var p = _cli.Start("run"))
        {
            var clock = Stopwatch.StartNew();
            while (!File.Exists(started) && !p.HasExited && clock.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(50);
            Assert.True(File.Exists(started), "the stage never started");
            p.Kill(entireProcessTree: true);
            Assert.True(p.WaitForExit(TimeSpan.FromSeconds(30)));
        }

        // Then the workspace holds exactly the old outputs, nothing half-moved
        Assert.Equal(oldPart1, _cli.Bytes("out/part1.txt"));
        Assert.Equal(["part1.txt", "part2.txt"], Directory.GetFiles(_cli.PathOf("out")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(oldUse, _cli.Bytes("use.txt"));
        Assert.Contains("\"params.yaml:v\": \"1\"", _cli.Read("keel.lock"));

        // And the next run picks up: gen and use run with the new param, the sandbox is gone
        File.Delete(slow);
        Assert.Equal(["ran", "ran"], _cli.States().Values);
        Assert.Equal("v: 2\nv: 2\n", _cli.Read("use.txt"));
        Assert.Empty(Directory.GetFileSystemEntries(_cli.PathOf(".keel/stages")));
        Assert.Equal(["skipped", "skipped"], _cli.States().Values);
    }
}
