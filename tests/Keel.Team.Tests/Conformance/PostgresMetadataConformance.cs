using Keel.Metadata;
using Keel.Postgres;
using Keel.Team.Tests.Infrastructure;
using Npgsql;

namespace Keel.Team.Tests.Conformance;

[RequiresService("KEEL_TEST_POSTGRES")]
public sealed class PostgresMetadataConformance : MetadataConformance
{
    private readonly string _uri = Services.NewPostgresDatabase();
    private readonly Lazy<string> _workspaceUri = new(() =>
    {
        PostgresBackend.Register();
        return Services.NewPostgresDatabase();
    });

    protected override IMetadataStore OpenStore() => new PostgresMetadataStore(_uri, TimeProvider.System);

    protected override string WorkspaceMetadataUri => _workspaceUri.Value;

    protected override string BeforeLineageLogSql => $"DROP TABLE lineage_log; UPDATE keel_schema SET version = {PostgresMigrations.LineageLogStep - 1}";

    protected override void Sql(string sql)
    {
        using var conn = new NpgsqlConnection(PostgresUri.Parse(_workspaceUri.Value).ConnectionString);
        conn.Open();
        using var cmd = new NpgsqlCommand(sql, conn);
        cmd.ExecuteNonQuery();
    }
}
