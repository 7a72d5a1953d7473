using System.Diagnostics;
using Keel.Pipelines;

namespace Keel.Core.Tests.Pipelines;

public sealed class OutputGitignoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("keel-gitignore-").FullName;

    private void Git(params string[] args)
    {
        var psi = new ProcessStartInfo("git") { WorkingDirectory = _root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }

    private string Ignore => File.Exists(Path.Combine(_root, ".gitignore")) ? File.ReadAllText(Path.Combine(_root, ".gitignore")) : "";

    [Fact]
    public void Add_InAGitRepository_AppendsEachOutputOnceAndSaysWhich()
    {
        Git("init", "-q");
        File.WriteAllText(Path.Combine(_root, ".gitignore"), "*.tmp");

        var first = OutputGitignore.Add(_root, ["models/m.zip", "build/features"]);
        var again = OutputGitignore.Add(_root, ["models/m.zip", "build/features"]);

        Assert.Equal(["models/m.zip", "build/features"], first);
        Assert.Empty(again);
        Assert.Equal("*.tmp\n/models/m.zip\n/build/features\n", Ignore);
    }

    [Fact]
    public void Add_OutputAlreadyIgnoredOrTracked_IsLeftAlone()
    {
        Git("init", "-q");
        File.WriteAllText(Path.Combine(_root, ".gitignore"), "reports/\n");
        Directory.CreateDirectory(Path.Combine(_root, "metrics"));
        File.WriteAllText(Path.Combine(_root, "metrics", "m.json"), "{}");
        Git("add", "metrics/m.json");

        var added = OutputGitignore.Add(_root, ["reports/x/scores.json", "metrics/m.json", "metrics", "models/m.zip"]);

        Assert.Equal(["models/m.zip"], added);
    }

    [Fact]
    public void Add_OutsideAGitRepository_DoesNothing()
    {
        var added = OutputGitignore.Add(_root, ["models/m.zip"]);

        Assert.Empty(added);
        Assert.False(File.Exists(Path.Combine(_root, ".gitignore")));
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
