using Keel.Workspaces;

namespace Keel.Postgres;

/// <summary>Registers <c>postgres://</c> and <c>postgresql://</c> metadata URIs.</summary>
public static class PostgresBackend
{
    /// <summary>Makes <c>metadata: postgres://...</c> in <c>.keel/config.yaml</c> open this backend.</summary>
    public static void Register()
    {
        Backends.RegisterMetadata("postgres://", c => new PostgresMetadataStore(c.Uri, c.Time, Backends.AnchorFile(c)));
        Backends.RegisterMetadata("postgresql://", c => new PostgresMetadataStore(c.Uri, c.Time, Backends.AnchorFile(c)));
    }
}
