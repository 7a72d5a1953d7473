namespace Keel.Cli.Tests.Acceptance;

/// <summary>The promises, driven through the real keel on <see cref="ProjectShapes.ShellNested"/>.</summary>
public sealed class ShellNestedProjectTests
{
    [Fact]
    public void Pipeline_ShellOnlyProjectWithNestedOutputs_RunsSkipsRerunsDependentsReproducesAndReplaysInACleanClone()
    {
        using var p = ProjectShapes.ShellNested.Create();

        var first = p.Run();
        Assert.All(ProjectShapes.ShellNested.Stages, s => Assert.Equal("ran", first[s]));
        Assert.Equal("60", p.Read(ProjectShapes.ShellNested.Count).Trim());
        var summary = p.Read(ProjectShapes.ShellNested.Summary).Split('\n');
        Assert.Equal("events-by-kind", summary[0]);
        Assert.Equal("view 30", summary[1]);
        Assert.Equal(3, summary.Count(l => l.Length > 0));
        Assert.Matches(@"^stage summarise seed \d+\n$", p.Read(ProjectShapes.ShellNested.Stamp));
        p.Commit("outputs ignored");

        Assert.All(p.Run().Values, state => Assert.Equal("skipped", state));

        // summary.top (params.yaml) feeds only summarise.
        p.Write("params.yaml", "summary:\n  top: 3\n");
        var changed = p.Run();
        Assert.Equal("skipped", changed["split"]);
        Assert.Equal("ran", changed["summarise"]);
        Assert.Equal(4, p.Read(ProjectShapes.ShellNested.Summary).Split('\n').Count(l => l.Length > 0));
        // split.column (the vars: file) feeds both.
        p.Write("config/shape.yaml", "split:\n  column: 3\n");
        var column = p.Run();
        Assert.Equal("ran", column["split"]);
        Assert.Equal("ran", column["summarise"]);
        p.Commit("column 3, top 3");

        var reproduce = p.Keel("reproduce", ProjectShapes.ShellNested.Stamp);
        Assert.True(reproduce.ExitCode == 0, reproduce.ToString());
        Assert.Contains($"PASS         {ProjectShapes.ShellNested.Stamp}", reproduce.Stdout);
        Assert.Contains($"REPRODUCED {ProjectShapes.ShellNested.Stamp}", reproduce.Stdout);

        var recovered = p.Beside("recovered");
        var recover = p.Keel("recover", ProjectShapes.ShellNested.Stamp, "-o", recovered, "--materialize", "--verify");
        Assert.True(recover.ExitCode == 0, recover.ToString());
        var clone = p.CleanClone();
        Assert.False(Directory.Exists(Path.Combine(clone, "out")));
        var replay = p.Replay(recovered, clone);
        Assert.True(replay.ExitCode == 0, replay.ToString());
        Assert.Contains($"PASS         {ProjectShapes.ShellNested.Stamp}", replay.Stdout);
        Assert.Contains($"unchecked    {ProjectShapes.ShellNested.Count}", replay.Stdout);
        Assert.DoesNotContain(".log [", replay.Stdout);
        Assert.Contains("REPLAYED", replay.Stdout);
    }
}
