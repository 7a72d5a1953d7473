using Keel.Pipelines;

namespace Keel.Core.Tests.Pipelines;

public sealed class StageSandboxTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("keel-sandbox-").FullName;

    private string KeelDir => Path.Combine(_root, ".keel");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Ws(string relative) => Path.Combine(_root, relative);

    [Fact]
    public void Create_ShadowsTheWorkspace_WithRealEmptyOutputFolders()
    {
        File.WriteAllText(Ws("in.txt"), "in");
        Directory.CreateDirectory(Ws("data/raw"));
        File.WriteAllText(Ws("data/raw/x.csv"), "x");
        Directory.CreateDirectory(KeelDir);

        using var sandbox = StageSandbox.Create(_root, KeelDir, "s1", ["data/features/train.csv"]);

        Assert.NotNull(new FileInfo(sandbox.InTree("in.txt")).LinkTarget);
        Assert.NotNull(new DirectoryInfo(sandbox.InTree("data/raw")).LinkTarget);
        Assert.Null(new DirectoryInfo(sandbox.InTree("data")).LinkTarget);
        Assert.False(File.Exists(sandbox.InTree("data/features/train.csv")));
    }

    [Fact]
    public void PlaceInput_AnotherVersionOfAWorkspaceFile_TheTreeHoldsItTheWorkspaceKeepsItsOwn()
    {
        // Given a workspace file and a sandbox whose tree links to it through a linked folder
        Directory.CreateDirectory(Ws("data/raw"));
        File.WriteAllText(Ws("data/raw/x.csv"), "version 2");
        File.WriteAllText(Ws("data/raw/y.csv"), "y");
        Directory.CreateDirectory(KeelDir);
        using var sandbox = StageSandbox.Create(_root, KeelDir, "s1", ["out.txt"]);

        // When another version is placed at its path
        sandbox.PlaceInput("data/raw/x.csv", dest => File.WriteAllText(dest, "version 1"));

        // Then the tree reads it, its neighbours still link to the workspace, and it is no undeclared write
        Assert.Equal("version 1", File.ReadAllText(sandbox.InTree("data/raw/x.csv")));
        Assert.Null(new FileInfo(sandbox.InTree("data/raw/x.csv")).LinkTarget);
        Assert.NotNull(new FileInfo(sandbox.InTree("data/raw/y.csv")).LinkTarget);
        Assert.Equal("version 2", File.ReadAllText(Ws("data/raw/x.csv")));
        Assert.Empty(sandbox.UndeclaredWrites());
    }

    [Fact]
    public void Recover_InterruptedCommit_RollsForwardTheRemainingOutputs()
    {
        // Given old outputs, and a sandbox killed after moving the first of two new outputs
        File.WriteAllText(Ws("a.txt"), "old a");
        File.WriteAllText(Ws("b.txt"), "old b");
        Directory.CreateDirectory(KeelDir);
        var sandbox = StageSandbox.Create(_root, KeelDir, "s1", ["a.txt", "b.txt"]);
        File.WriteAllText(sandbox.InTree("a.txt"), "new a");
        File.WriteAllText(sandbox.InTree("b.txt"), "new b");
        File.WriteAllText(Path.Combine(sandbox.Dir, "commit.journal"), "a.txt\nb.txt");
        Directory.CreateDirectory(Path.Combine(sandbox.Dir, "old"));
        File.Move(Ws("a.txt"), Path.Combine(sandbox.Dir, "old", "a.txt"));
        File.Move(sandbox.InTree("a.txt"), Ws("a.txt"));

        // When the next run recovers
        var recovered = StageSandbox.Recover(_root, KeelDir);

        // Then both new outputs are in place and the sandbox is gone
        Assert.Equal(1, recovered);
        Assert.Equal("new a", File.ReadAllText(Ws("a.txt")));
        Assert.Equal("new b", File.ReadAllText(Ws("b.txt")));
        Assert.Empty(Directory.GetFileSystemEntries(StageSandbox.StagesDir(KeelDir)));
    }

    [Fact]
    public void Recover_SandboxWithoutJournal_IsDiscardedAndTheWorkspaceKept()
    {
        File.WriteAllText(Ws("a.txt"), "old a");
        Directory.CreateDirectory(KeelDir);
        var sandbox = StageSandbox.Create(_root, KeelDir, "s1", ["a.txt"]);
        File.WriteAllText(sandbox.InTree("a.txt"), "half-written");

        var recovered = StageSandbox.Recover(_root, KeelDir);

        Assert.Equal(0, recovered);
        Assert.Equal("old a", File.ReadAllText(Ws("a.txt")));
        Assert.Empty(Directory.GetFileSystemEntries(StageSandbox.StagesDir(KeelDir)));
    }
}
