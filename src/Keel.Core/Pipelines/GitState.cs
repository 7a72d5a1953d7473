using System.Diagnostics;

namespace Keel.Pipelines;

/// <summary>The commit and dirtiness of the workspace's git repository, read once per command.</summary>
internal sealed record GitState(string? Commit, string? Branch, bool Dirty)
{
    public static GitState Read(string root)
    {
        var commit = Git(root, "rev-parse", "HEAD");
        if (commit is null) return new GitState(null, null, false);
        var branch = Git(root, "rev-parse", "--abbrev-ref", "HEAD");
        var status = Git(root, "status", "--porcelain", "--untracked-files=no");
        return new GitState(commit, branch, !string.IsNullOrEmpty(status));
    }

    private static string? Git(string root, params string[] args)
    {
        try
        {
            var psi = new ProcessStartInfo("git") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var output = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            return p.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
