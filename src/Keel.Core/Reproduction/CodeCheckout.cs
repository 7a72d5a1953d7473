using Keel.Objects;
using Keel.Workspaces;

namespace Keel.Reproduction;

/// <summary>
/// Puts the recorded code in a clean folder: the recorded commit from the workspace's git
/// repository (<c>git archive</c>, so the user's repository gains no worktree or ref), or from a
/// git bundle an imported Keel bundle brought (<c>.keel/code/&lt;commit&gt;.bundle</c>) when the
/// repository lacks it; then the recorded uncommitted diff with <c>git apply</c>.
/// </summary>
internal static class CodeCheckout
{
    public const string BundleFolder = "code";

    public static string BundlePath(Workspace workspace, string commit) => Path.Combine(workspace.KeelDir, BundleFolder, commit + ".bundle");

    /// <summary>Checks out into <paramref name="target"/> (created); returns notes for the report.</summary>
    public static List<string> Checkout(Workspace workspace, string? commit, Digest? diff, string target)
    {
        var notes = new List<string>();
        Directory.CreateDirectory(target);
        // Each git call is a process start: the empty repository is made while the code is extracted.
        var init = Task.Run(() => ProcessRunner.Git(target, "init", "-q"));
        if (commit is null)
        {
            notes.Add("no git commit was recorded: the code comes only from the recorded inputs and diff");
        }
        // Extracted first and asked about only when that fails: one process start less on the usual path.
        else if (RunExtract(workspace.Root, commit, target) is var extracted && (extracted.ExitCode == 0 || HasCommit(workspace.Root, commit)))
        {
            if (extracted.ExitCode != 0) throw new KeelException($"could not check out commit {commit}: {extracted.Stderr.Trim()}");
            notes.Add($"code: commit {commit[..Math.Min(12, commit.Length)]} from the workspace's git repository");
        }
        else if (File.Exists(BundlePath(workspace, commit)))
        {
            var clone = target + ".bundle-clone";
            try
            {
                ProcessRunner.Git(Path.GetDirectoryName(target)!, "clone", "-q", "--bare", BundlePath(workspace, commit), clone);
                Extract(clone, commit, target);
            }
            finally
            {
                if (Directory.Exists(clone)) Directory.Delete(clone, recursive: true);
            }
            notes.Add($"the recorded commit {commit[..12]} {WhereMissing(workspace.Root)}; used the copy from the imported bundle");
        }
        else
        {
            init.Wait();
            throw new KeelException($"the recorded commit {commit} {WhereMissing(workspace.Root)} and no imported bundle carries it; "
                + "fetch it (git fetch --all) or import a Keel bundle that has it", ExitCodes.CheckFailed);
        }
        init.GetAwaiter().GetResult();
        if (diff is { } d)
        {
            if (!workspace.Objects.Contains(d)) throw new KeelException($"the recorded uncommitted diff {d} is missing from the object store", ExitCodes.CheckFailed);
            var patch = Path.Combine(Path.GetDirectoryName(target)!, $"diff-{d.Short}.patch");
            workspace.Objects.CopyTo(d, patch);
            var r = ProcessRunner.Run(target, "git", ["apply", "--whitespace=nowarn", "--binary", patch]);
            if (r.ExitCode != 0) throw new KeelException($"the recorded uncommitted diff {d.Short} does not apply to commit {commit}: {r.Stderr.Trim()}", ExitCodes.CheckFailed);
            notes.Add($"applied the recorded uncommitted diff {d.Short}");
        }
        return notes;
    }

    /// <summary>Why a commit is not at hand: the workspace is in no git repository at all, or its repository lacks the commit.</summary>
    private static string WhereMissing(string root)
    {
        var top = ProcessRunner.GitOk(root, "rev-parse", "--is-inside-work-tree") ? ProcessRunner.Run(root, "git", ["rev-parse", "--show-toplevel"]).Stdout.Trim() : "";
        return top.Length == 0
            ? $"is not available here: the workspace at {root} is not in a git repository"
            : $"is missing from the git repository at {top}";
    }

    /// <summary>True when <paramref name="repo"/> is in a git repository holding the commit (cat-file fails outside one).</summary>
    public static bool HasCommit(string repo, string commit) =>
        ProcessRunner.GitOk(repo, "cat-file", "-e", commit + "^{commit}");

    /// <summary>Writes a git bundle holding <paramref name="commit"/> (through a throwaway shared clone, since git bundles need a ref).</summary>
    public static bool TryWriteBundle(string repo, string commit, string file)
    {
        if (!HasCommit(repo, commit)) return false;
        var top = ProcessRunner.Git(repo, "rev-parse", "--show-toplevel").Trim();
        var scratch = file + ".clone";
        try
        {
            ProcessRunner.Git(Path.GetDirectoryName(file)!, "clone", "-q", "--bare", "--shared", top, scratch);
            ProcessRunner.Git(scratch, "update-ref", "refs/heads/keel-recorded", commit);
            ProcessRunner.Git(scratch, "bundle", "create", "-q", file, "refs/heads/keel-recorded");
            return true;
        }
        finally
        {
            if (Directory.Exists(scratch)) Directory.Delete(scratch, recursive: true);
        }
    }

    private static void Extract(string repo, string commit, string target)
    {
        var r = RunExtract(repo, commit, target);
        if (r.ExitCode != 0) throw new KeelException($"could not check out commit {commit}: {r.Stderr.Trim()}");
    }

    private static ProcessRunner.Result RunExtract(string repo, string commit, string target) =>
        ProcessRunner.Run(target, "/bin/bash", ["-c", "set -o pipefail; git -C \"$1\" archive --format=tar \"$2\" | tar -x -C \"$3\"", "checkout", repo, commit, target]);
}
