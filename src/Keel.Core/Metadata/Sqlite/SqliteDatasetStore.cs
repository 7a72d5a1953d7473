using Keel.Datasets;
using Keel.Lineage;
using Keel.Objects;
using Microsoft.Data.Sqlite;

namespace Keel.Metadata.Sqlite;

internal sealed class SqliteDatasetStore(SqliteDatabase db, SqliteLineageStore lineage) : IDatasetStore
{
    private const string Columns = "name, version, digest, kind, path, message, created_at, user_name, host, files, bytes";

    public Task<DatasetVersion> AddVersionAsync(NewDatasetVersion v, CancellationToken cancellationToken)
    {
        var created = db.Write(tx =>
        {
            using (var upsert = db.Command("INSERT INTO datasets(name, path, created_at) VALUES ($n, $p, $t) ON CONFLICT(name) DO NOTHING", tx))
            {
                upsert.Parameters.AddWithValue("$n", v.Name);
                upsert.Parameters.AddWithValue("$p", v.Path);
                upsert.Parameters.AddWithValue("$t", v.CreatedAt.ToUnixTimeMilliseconds());
                upsert.ExecuteNonQuery();
            }
            using (var tracked = db.Command("SELECT path FROM datasets WHERE name = $n", tx))
            {
                // Checked again inside the write lock: two adds of different paths under one name cannot both win.
                tracked.Parameters.AddWithValue("$n", v.Name);
                var path = (string)tracked.ExecuteScalar()!;
                if (path != v.Path) throw DatasetPaths.AlreadyTracks(v.Name, path, v.Path);
            }
            int next;
            using (var max = db.Command("SELECT COALESCE(MAX(version), 0) + 1 FROM dataset_versions WHERE name = $n", tx))
            {
                max.Parameters.AddWithValue("$n", v.Name);
                next = Convert.ToInt32(max.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
            }
            using var insert = db.Command($"INSERT INTO dataset_versions({Columns}) VALUES ($n, $v, $d, $k, $p, $m, $t, $u, $h, $f, $b)", tx);
            insert.Parameters.AddWithValue("$n", v.Name);
            insert.Parameters.AddWithValue("$v", next);
            insert.Parameters.AddWithValue("$d", v.Digest.ToString());
            insert.Parameters.AddWithValue("$k", v.Kind == TreeKind.File ? "file" : "directory");
            insert.Parameters.AddWithValue("$p", v.Path);
            insert.Parameters.AddWithValue("$m", (object?)v.Message ?? DBNull.Value);
            insert.Parameters.AddWithValue("$t", v.CreatedAt.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$u", v.User);
            insert.Parameters.AddWithValue("$h", v.Host);
            insert.Parameters.AddWithValue("$f", v.Files);
            insert.Parameters.AddWithValue("$b", v.Bytes);
            insert.ExecuteNonQuery();
            // The version and its node in the provenance graph commit together.
            lineage.Append(tx, [DatasetLineage.NodeFor(v, next)]);
            return new DatasetVersion(v.Name, next, v.Digest, v.Kind, v.Path, v.Message, v.CreatedAt, v.User, v.Host, v.Files, v.Bytes);
        });
        return Task.FromResult(created);
    }

    public Task<DatasetVersion?> GetAsync(string name, int? version, CancellationToken cancellationToken)
    {
        using var cmd = version is null
            ? db.Command($"SELECT {Columns} FROM dataset_versions WHERE name = $n ORDER BY version DESC LIMIT 1")
            : db.Command($"SELECT {Columns} FROM dataset_versions WHERE name = $n AND version = $v");
        cmd.Parameters.AddWithValue("$n", name);
        if (version is not null) cmd.Parameters.AddWithValue("$v", version.Value);
        using var reader = cmd.ExecuteReader();
        return Task.FromResult(reader.Read() ? Read(reader) : null);
    }

    public Task<IReadOnlyList<DatasetVersion>> ListLatestAsync(CancellationToken cancellationToken) =>
        Query($"""
            SELECT {Columns} FROM dataset_versions v
            WHERE version = (SELECT MAX(version) FROM dataset_versions w WHERE w.name = v.name)
            ORDER BY name
            """);

    public Task<IReadOnlyList<DatasetVersion>> HistoryAsync(string name, CancellationToken cancellationToken) =>
        Query($"SELECT {Columns} FROM dataset_versions WHERE name = $n ORDER BY version", ("$n", name));

    private Task<IReadOnlyList<DatasetVersion>> Query(string sql, params (string Name, object Value)[] args)
    {
        using var cmd = db.Command(sql);
        foreach (var (n, value) in args) cmd.Parameters.AddWithValue(n, value);
        using var reader = cmd.ExecuteReader();
        var list = new List<DatasetVersion>();
        while (reader.Read()) list.Add(Read(reader));
        return Task.FromResult<IReadOnlyList<DatasetVersion>>(list);
    }

    private static DatasetVersion Read(SqliteDataReader r) => new(
        r.GetString(0),
        r.GetInt32(1),
        Digest.Parse(r.GetString(2)),
        r.GetString(3) == "file" ? TreeKind.File : TreeKind.Directory,
        r.GetString(4),
        r.IsDBNull(5) ? null : r.GetString(5),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6)),
        r.GetString(7),
        r.GetString(8),
        r.GetInt64(9),
        r.GetInt64(10));
}
