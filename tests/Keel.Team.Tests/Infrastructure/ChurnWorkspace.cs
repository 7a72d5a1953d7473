namespace Keel.Team.Tests.Infrastructure;

/// <summary>
/// The churn example laid out as <c>keel quickstart</c> lays it out (src/Keel.Cli/Quickstart:
/// examples/churn and examples/shared, the quickstart's props files, keel.yaml at the root),
/// taken from this repository's sources.
/// </summary>
internal static class ChurnWorkspace
{
    public static void Write(string root)
    {
        var repo = SlurmFixture.RepoRoot;
        Copy(Path.Combine(repo, "examples/churn"), Path.Combine(root, "examples/churn"), skip: ["bin", "obj", "README.md"]);
        Copy(Path.Combine(repo, "examples/shared"), Path.Combine(root, "examples/shared"), skip: []);
        Copy(Path.Combine(repo, "src/Keel.Cli/Quickstart/Files"), root, skip: []);
        File.Move(Path.Combine(root, "examples/churn/keel.yaml"), Path.Combine(root, "keel.yaml"));
    }

    /// <summary>
    /// A NuGet packages folder holding exactly what the churn build restores, readable by every
    /// user: Slurm jobs run as slurmrestd's user, who cannot read root's own NuGet cache. Filled
    /// from that cache used as an offline feed, as a team fills the packages folder of its node image.
    /// </summary>
    public static string SharedPackages(string scratch)
    {
        var layout = Path.Combine(scratch, "restore");
        Write(layout);
        var packages = Path.Combine(scratch, "nuget-packages");
        var cache = TeamCli.Sh(layout, "dotnet nuget locals global-packages --list").Split(": ", 2)[1].Trim();
        TeamCli.Sh(layout, $"dotnet restore examples/churn/Churn.csproj --packages '{packages}' --source '{cache}' -v q");
        TeamCli.Sh(scratch, $"chmod -R a+rX '{packages}'");
        return packages;
    }

    private static void Copy(string from, string to, IReadOnlyCollection<string> skip)
    {
        Directory.CreateDirectory(to);
        foreach (var entry in Directory.EnumerateFileSystemEntries(from))
        {
            var name = Path.GetFileName(entry);
            if (skip.Contains(name)) continue;
            if (Directory.Exists(entry)) Copy(entry, Path.Combine(to, name), []);
            else File.Copy(entry, Path.Combine(to, name));
        }
    }
}
