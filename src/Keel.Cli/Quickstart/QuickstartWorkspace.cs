using System.Diagnostics;
using System.Reflection;

namespace Keel.Cli.Quickstart;

/// <summary>Lays out the churn example (embedded in this binary) as a new workspace and commits it to git.</summary>
internal static class QuickstartWorkspace
{
    private const string Prefix = "quickstart/";

    public static void Write(string root)
    {
        var assembly = Assembly.GetExecutingAssembly();
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            var relative = name[Prefix.Length..].Replace('\\', '/');
            var target = Path.Combine(root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            using var source = assembly.GetManifestResourceStream(name)!;
            using var file = File.Create(target);
            source.CopyTo(file);
        }
        // The pipeline definition sits at the workspace root.
        File.Move(Path.Combine(root, "examples/churn/keel.yaml"), Path.Combine(root, "keel.yaml"));
    }

    /// <summary>Makes the folder a git repository with one commit, so runs record a commit; skipped without git.</summary>
    public static bool CommitToGit(string root)
    {
        return Git(root, "init", "-q", "-b", "main")
            && Git(root, "add", "-A")
            && Git(root, "-c", "user.name=Keel Quickstart", "-c", "user.email=quickstart@keel.invalid", "commit", "-q", "-m", "Churn example from keel quickstart");
    }

    private static bool Git(string root, params string[] args)
    {
        try
        {
            var psi = new ProcessStartInfo("git") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
