using Keel.Workspaces;

namespace Keel.Slurm;

/// <summary>Registers <c>slurm+unix://</c> and <c>slurm+http(s)://</c> executor URIs.</summary>
public static class SlurmBackend
{
    /// <summary>Makes <c>executor: slurm+...</c> in <c>.keel/config.yaml</c> submit stages to Slurm.</summary>
    public static void Register() =>
        Backends.RegisterExecutor("slurm+", c => new SlurmExecutor(
            SlurmOptions.Parse(c.Uri),
            c.Objects ?? throw new KeelException("executor: slurm needs the workspace's object store"),
            c.ObjectsUri is { } u && !u.StartsWith("file:", StringComparison.Ordinal)
                ? u
                : throw new KeelException("executor: slurm needs 'objects:' on a store the nodes can reach (s3://...), not a local folder"),
            c.Time));
}
