using Keel.Metadata;
using Keel.Metadata.Sqlite;
using Keel.Team.Tests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace Keel.Team.Tests.Conformance;

public sealed class SqliteMetadataConformance : MetadataConformance
{
    private readonly TempDir _dir = new();

    protected override IMetadataStore OpenStore() => new SqliteMetadataStore(_dir.File("keel.db"));

    protected override string WorkspaceMetadataUri => "sqlite:" + _dir.File("ws.db");

    protected override string BeforeLineageLogSql => $"DROP TABLE lineage_log; PRAGMA user_version = {SqliteMigrations.LineageLogStep - 1}";

    protected override void Sql(string sql)
    {
        using var conn = new SqliteConnection($"Data Source={_dir.File("ws.db")};Pooling=False");
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    protected override void DisposeBackend() => _dir.Dispose();
}
