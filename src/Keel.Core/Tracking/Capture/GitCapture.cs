using Keel.Objects;

namespace Keel.Tracking.Capture;

/// <summary>
/// Captures the code a run starts from: commit, branch, remote, dirty flag and the
/// uncommitted diff (tracked changes against HEAD plus untracked, non-ignored files under a
/// size limit) as one <c>git apply</c>-able patch stored as an object.
/// </summary>
public static class GitCapture
{
    /// <summary>Untracked files larger than this are left out of the diff and listed instead.</summary>
    public const long MaxUntrackedFileBytes = 1 << 20;

    /// <summary>Untracked files stop being added to the diff once it reaches this size.</summary>
    public const long MaxDiffBytes = 32 << 20;

    private const string EmptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

    public static GitState Capture(string directory, IObjectStore objects)
    {
        ArgumentNullException.ThrowIfNull(objects);
        var root = GitCommand.Text(directory, "rev-parse", "--show-toplevel");
        if (root is null) return new GitState(null, null, null, false, null, 0, []);
        var commit = GitCommand.Text(root, "rev-parse", "--verify", "--quiet", "HEAD");
        var branch = commit is null
            ? GitCommand.Text(root, "symbolic-ref", "--short", "HEAD")
            : GitCommand.Text(root, "rev-parse", "--abbrev-ref", "HEAD");
        var remoteName = GitCommand.Text(root, "config", "--get", $"branch.{branch}.remote") ?? "origin";
        var remote = GitCommand.Text(root, "remote", "get-url", remoteName);
        var status = GitCommand.Run(root, "status", "--porcelain", "--untracked-files=all").Stdout;

        using var patch = new MemoryStream();
        var tracked = GitCommand.Run(root, "diff", "--binary", "--no-color", "--no-ext-diff", "--no-textconv", "--src-prefix=a/", "--dst-prefix=b/", commit ?? EmptyTree, "--");
        patch.Write(tracked.Stdout);
        var skipped = new List<string>();
        var untracked = GitCommand.Run(root, "ls-files", "--others", "--exclude-standard", "-z").Stdout;
        foreach (var path in System.Text.Encoding.UTF8.GetString(untracked).Split('\0', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal))
        {
            var full = Path.Combine(root, path);
            var info = new FileInfo(full);
            if (info.Exists && (info.Length > MaxUntrackedFileBytes || patch.Length + info.Length > MaxDiffBytes))
            {
                skipped.Add(path);
                continue;
            }
            var one = GitCommand.Run(root, "diff", "--no-index", "--binary", "--no-color", "--no-ext-diff", "--no-textconv", "--src-prefix=a/", "--dst-prefix=b/", "--", "/dev/null", path);
            patch.Write(one.Stdout);
        }

        Digest? diff = null;
        if (patch.Length > 0)
        {
            var bytes = patch.ToArray();
            diff = ContentHasher.Hash(bytes);
            objects.Put(diff.Value, bytes);
        }
        return new GitState(commit, branch, remote, status.Length > 0, diff, patch.Length, skipped);
    }
}
