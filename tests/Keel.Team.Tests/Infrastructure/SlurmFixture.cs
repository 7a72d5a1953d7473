using Keel.Objects;
using Keel.Slurm;

namespace Keel.Team.Tests.Infrastructure;

internal static class SlurmFixture
{
    /// <summary>The keel the launcher built (scripts/test.sh builds it before the tests); jobs run it on the node.</summary>
    public static string KeelBinary => Path.Combine(RepoRoot, "artifacts", "keel", "keel");

    public static string RepoRoot { get; } = FindRepoRoot();

    public static SlurmExecutor Executor(IObjectStore objects, string objectsUri) =>
        new(SlurmOptions.Parse($"{Services.Slurm}?keel={Uri.EscapeDataString(KeelBinary)}"), objects, objectsUri, TimeProvider.System);

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Keel.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"no Keel.slnx above {AppContext.BaseDirectory}");
    }
}
