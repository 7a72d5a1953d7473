namespace Keel.Cli.Tests;

public sealed class BadInputTests
{
    private static void AssertOneLineUsageError(KeelResult r, string expected)
    {
        Assert.True(r.ExitCode == 2, r.ToString());
        var lines = r.Stderr.TrimEnd('\n').Split('\n');
        Assert.Single(lines);
        Assert.StartsWith("keel: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(expected, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal);
        Assert.Equal("", r.Stdout);
    }

    [Fact]
    public void Add_PathDoesNotExist_Exit2OneLine()
    {
        using var ws = TempWorkspace.Init();

        AssertOneLineUsageError(ws.Keel("add", "nope.csv"), "'nope.csv' does not exist");
        Assert.Empty(ws.ObjectFiles());
    }

    [Fact]
    public void Add_PathOutsideWorkspace_Exit2OneLine()
    {
        using var ws = TempWorkspace.Init();
        using var other = TempWorkspace.Empty();
        var outside = other.Write("data.csv", "x");

        AssertOneLineUsageError(ws.Keel("add", outside), "outside the workspace");
        AssertOneLineUsageError(ws.Keel("add", "../"), "outside the workspace");
    }

    [Fact]
    public void Add_InsideKeelDir_Exit2OneLine()
    {
        using var ws = TempWorkspace.Init();

        AssertOneLineUsageError(ws.Keel("add", ".keel/config.yaml"), "inside .keel/");
    }

    [Fact]
    public void Add_FileNameStartingWithTwoDots_IsInsideTheWorkspace()
    {
        using var ws = TempWorkspace.Init();
        ws.Write("..hidden.csv", "a\n");

        var r = ws.Keel("add", "..hidden.csv", "--name", "hidden", "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("hidden@1", r.Json().GetProperty("ref").GetString());
    }

    [Theory]
    [InlineData("status")]
    [InlineData("add", "x")]
    [InlineData("fsck")]
    [InlineData("datasets", "list")]
    public void AnyCommand_NoWorkspace_Exit2OneLine(params string[] args)
    {
        using var dir = TempWorkspace.Empty();
        dir.Write("x", "x");

        AssertOneLineUsageError(dir.Keel(args), "no Keel workspace");
    }

    [Fact]
    public void AnyCommand_MalformedConfig_FileLineColumn()
    {
        using var ws = TempWorkspace.Init();
        var config = Path.Combine(ws.KeelDir, "config.yaml");
        File.WriteAllText(config, "metadata: sqlite:.keel/keel.db\nobjects: [file:.keel/objects\n");

        var r = ws.Keel("status");

        AssertOneLineUsageError(r, config + ":");
        Assert.Matches(@"config\.yaml:\d+:\d+: ", r.Stderr);
    }

    [Fact]
    public void AnyCommand_UnknownConfigKey_Named()
    {
        using var ws = TempWorkspace.Init();
        File.AppendAllText(Path.Combine(ws.KeelDir, "config.yaml"), "colour: blue\n");

        AssertOneLineUsageError(ws.Keel("status"), "unknown setting 'colour'");
    }

    [Fact]
    public void Checkout_UnknownName_SuggestsCloseMatch()
    {
        using var ws = TempWorkspace.Init();
        ws.Write("train.csv", "a\n");
        ws.Keel("add", "train.csv");

        AssertOneLineUsageError(ws.Keel("checkout", "trian@1"), "did you mean train?");
        AssertOneLineUsageError(ws.Keel("datasets", "show", "tran"), "did you mean train?");
    }

    [Fact]
    public void Checkout_UnknownVersion_SaysWhichExist()
    {
        using var ws = TempWorkspace.Init();
        ws.Write("train.csv", "a\n");
        ws.Keel("add", "train.csv");

        AssertOneLineUsageError(ws.Keel("checkout", "train@5"), "train has versions 1 to 1");
        AssertOneLineUsageError(ws.Keel("checkout", "train@zero"), "must be a positive number");
    }

    [Fact]
    public void Gc_BadGrace_Exit2OneLine()
    {
        using var ws = TempWorkspace.Init();

        AssertOneLineUsageError(ws.Keel("gc", "--grace", "soon"), "is not a duration");
    }

    [Fact]
    public void UnknownOption_Exit2()
    {
        using var ws = TempWorkspace.Init();

        var r = ws.Keel("status", "--frobnicate");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--frobnicate", r.Stderr, StringComparison.Ordinal);
    }
}
