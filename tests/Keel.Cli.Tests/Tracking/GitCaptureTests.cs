namespace Keel.Cli.Tests.Tracking;

public sealed class GitCaptureTests : IDisposable
{
    private readonly TrackingCli _cli = new();

    [Fact]
    public void Exec_DirtyTree_DiffRestoresTheWorkingTreeByteForByte()
    {
        _cli.InitGitWorkspace();
        _cli.Write("src/train.py", "print('v1')\n");
        _cli.Write("README.md", "readme\n");
        _cli.Write("gone.txt", "to be deleted\n");
        _cli.Git("add", ".");
        _cli.Git("commit", "-q", "-m", "v1");
        Assert.Equal(0, _cli.Keel("init", ".").ExitCode);

        // Uncommitted: a modified file, a staged new file, a deletion, untracked text and binary files.
        _cli.Write("src/train.py", "print('v2')\nlr = 0.1\n");
        _cli.Write("staged.txt", "staged\n");
        _cli.Git("add", "staged.txt");
        File.Delete(Path.Combine(_cli.Dir, "gone.txt"));
        _cli.Write("notes/untracked.txt", "untracked, no newline at end");
        File.WriteAllBytes(Path.Combine(_cli.Dir, "blob.bin"), [0, 1, 2, 255, 254, 0, 10, 13, 10]);

        Assert.Equal(0, _cli.Keel("exec", "--", "true").ExitCode);
        var run = _cli.Keel("runs", "list", "--json").Json.GetProperty("runs")[0];
        var git = run.GetProperty("git");
        Assert.True(git.GetProperty("dirty").GetBoolean());
        var commit = git.GetProperty("commit").GetString()!;
        var diff = git.GetProperty("diff").GetString()!["blake3:".Length..];
        var patch = Path.Combine(_cli.Dir, ".keel", "objects", diff[..2], diff[2..]);
        Assert.True(File.Exists(patch));

        var clean = Path.Combine(_cli.Dir, ".keel", "tmp", "clean");
        Assert.Equal(0, _cli.Run("git", ["clone", "-q", _cli.Dir, clean]).ExitCode);
        Assert.Equal(0, _cli.Run("git", ["checkout", "-q", commit], clean).ExitCode);
        var apply = _cli.Run("git", ["apply", "--binary", patch], clean);
        Assert.True(apply.ExitCode == 0, apply.Stderr);

        foreach (var rel in new[] { "src/train.py", "README.md", "staged.txt", "notes/untracked.txt", "blob.bin" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(_cli.Dir, rel)), File.ReadAllBytes(Path.Combine(clean, rel)));
        Assert.False(File.Exists(Path.Combine(clean, "gone.txt")));
        var files = Directory.GetFiles(clean, "*", SearchOption.AllDirectories).Where(f => !f.Contains("/.git/", StringComparison.Ordinal)).Select(f => Path.GetRelativePath(clean, f)).Order().ToList();
        // keel init's own files are untracked (not ignored) too, so they travel in the diff as well.
        Assert.Equal([".keel/.gitignore", ".keel/config.yaml", "README.md", "blob.bin", "notes/untracked.txt", "src/train.py", "staged.txt"], files);
        Assert.Equal(File.ReadAllBytes(Path.Combine(_cli.Dir, ".keel/config.yaml")), File.ReadAllBytes(Path.Combine(clean, ".keel/config.yaml")));
    }

    public void Dispose() => _cli.Dispose();
}
