using Keel.Monitoring;
using Keel.Pipelines;

namespace Keel.Cli.Monitoring;

/// <summary>Reads the <c>monitor:</c> policy from keel.yaml in the current directory or the workspace above it; defaults otherwise.</summary>
internal static class MonitorPolicyLoader
{
    public static (MonitorPolicy Policy, string? WorkspaceRoot) Load(string cwd)
    {
        for (var dir = new DirectoryInfo(cwd); dir is not null; dir = dir.Parent)
        {
            string yaml = Path.Combine(dir.FullName, "keel.yaml");
            if (File.Exists(yaml))
                return (PipelineParser.ParseFile(yaml, "keel.yaml").Monitor ?? new MonitorPolicy(), Directory.Exists(Path.Combine(dir.FullName, ".keel")) ? dir.FullName : null);
            if (Directory.Exists(Path.Combine(dir.FullName, ".keel"))) break;
        }
        return (new MonitorPolicy(), null);
    }
}
