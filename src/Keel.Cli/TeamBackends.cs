namespace Keel.Cli;

/// <summary>Registers the team backends (PostgreSQL, S3, Slurm) with Core's URI registry before any workspace opens.</summary>
internal static class TeamBackends
{
    public static void Register()
    {
        Postgres.PostgresBackend.Register();
        S3.S3Backend.Register();
        Slurm.SlurmBackend.Register();
    }
}
