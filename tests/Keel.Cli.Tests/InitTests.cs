namespace Keel.Cli.Tests;

public sealed class InitTests
{
    [Fact]
    public void Init_EmptyDir_CreatesConfigObjectsAndDatabase()
    {
        using var ws = TempWorkspace.Empty();

        var r = ws.Keel("init");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.True(File.Exists(Path.Combine(ws.KeelDir, "config.yaml")));
        Assert.True(Directory.Exists(ws.ObjectsDir));
        Assert.True(File.Exists(Path.Combine(ws.KeelDir, "keel.db")));
        Assert.Empty(Directory.GetDirectories(ws.Root, ".keel.init-*"));
    }

    [Fact]
    public void Init_Twice_RefusesWithExit2AndOneLine()
    {
        using var ws = TempWorkspace.Init();
        var config = File.ReadAllText(Path.Combine(ws.KeelDir, "config.yaml"));

        var r = ws.Keel("init");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("already a Keel workspace", r.Stderr, StringComparison.Ordinal);
        Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
        Assert.Equal(config, File.ReadAllText(Path.Combine(ws.KeelDir, "config.yaml")));
    }

    [Fact]
    public void Init_DirArgument_CreatesThereAndJsonNamesIt()
    {
        using var ws = TempWorkspace.Empty();

        var r = ws.Keel("init", "nested/project", "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(ws.PathOf("nested/project"), r.Json().GetProperty("root").GetString());
        Assert.True(Directory.Exists(ws.PathOf("nested/project/.keel/objects")));
    }

    [Fact]
    public void Version_PrintsAndExitsZero()
    {
        using var ws = TempWorkspace.Empty();

        var r = ws.Keel("--version");

        Assert.Equal(0, r.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", r.Stdout);
    }
}
