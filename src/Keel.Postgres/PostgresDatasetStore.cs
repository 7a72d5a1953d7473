using Keel.Datasets;
using Keel.Lineage;
using Keel.Metadata;
using Keel.Objects;
using Npgsql;

namespace Keel.Postgres;

internal sealed class PostgresDatasetStore(PostgresDatabase db) : IDatasetStore
{
    private const string Columns = "name, version, digest, kind, path, message, created_at, user_name, host, files, bytes";

    public Task<DatasetVersion> AddVersionAsync(NewDatasetVersion v, CancellationToken cancellationToken) =>
        db.WriteAsync(async (conn, tx) =>
        {
            // Per-dataset lock: concurrent adds of one dataset get consecutive numbers; other datasets do not wait.
            await PostgresDatabase.LockAsync(conn, tx, "keel:dataset:" + v.Name, cancellationToken).ConfigureAwait(false);
            await using (var upsert = new NpgsqlCommand("INSERT INTO datasets(name, path, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING", conn, tx))
            {
                upsert.Parameters.AddWithValue(v.Name);
                upsert.Parameters.AddWithValue(v.Path);
                upsert.Parameters.AddWithValue(v.CreatedAt.ToUnixTimeMilliseconds());
                await upsert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            await using (var tracked = new NpgsqlCommand("SELECT path FROM datasets WHERE name = $1", conn, tx))
            {
                // Checked again under the dataset lock: two adds of different paths under one name cannot both win.
                tracked.Parameters.AddWithValue(v.Name);
                var path = (string)(await tracked.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
                if (path != v.Path) throw DatasetPaths.AlreadyTracks(v.Name, path, v.Path);
            }
            int next;
            await using (var max = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) + 1 FROM dataset_versions WHERE name = $1", conn, tx))
            {
                max.Parameters.AddWithValue(v.Name);
                next = (int)(await max.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }
            await using (var insert = new NpgsqlCommand($"INSERT INTO dataset_versions({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)", conn, tx))
            {
                insert.Parameters.AddWithValue(v.Name);
                insert.Parameters.AddWithValue(next);
                insert.Parameters.AddWithValue(v.Digest.ToString());
                insert.Parameters.AddWithValue(v.Kind == TreeKind.File ? "file" : "directory");
                insert.Parameters.AddWithValue(v.Path);
                insert.Parameters.Add(PostgresLineageStore.Text(v.Message));
                insert.Parameters.AddWithValue(v.CreatedAt.ToUnixTimeMilliseconds());
                insert.Parameters.AddWithValue(v.User);
                insert.Parameters.AddWithValue(v.Host);
                insert.Parameters.AddWithValue(v.Files);
                insert.Parameters.AddWithValue(v.Bytes);
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            // The version and its node in the provenance graph commit together.
            await PostgresLineageStore.AppendAsync(db, conn, tx, [DatasetLineage.NodeFor(v, next)], cancellationToken).ConfigureAwait(false);
            return new DatasetVersion(v.Name, next, v.Digest, v.Kind, v.Path, v.Message, v.CreatedAt, v.User, v.Host, v.Files, v.Bytes);
        }, cancellationToken);

    public async Task<DatasetVersion?> GetAsync(string name, int? version, CancellationToken cancellationToken)
    {
        var list = version is null
            ? await Query($"SELECT {Columns} FROM dataset_versions WHERE name = $1 ORDER BY version DESC LIMIT 1", [name], cancellationToken).ConfigureAwait(false)
            : await Query($"SELECT {Columns} FROM dataset_versions WHERE name = $1 AND version = $2", [name, version.Value], cancellationToken).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    public Task<IReadOnlyList<DatasetVersion>> ListLatestAsync(CancellationToken cancellationToken) =>
        Query($"SELECT * FROM (SELECT DISTINCT ON (name) {Columns} FROM dataset_versions ORDER BY name, version DESC) latest ORDER BY name COLLATE \"C\"", [], cancellationToken);

    public Task<IReadOnlyList<DatasetVersion>> HistoryAsync(string name, CancellationToken cancellationToken) =>
        Query($"SELECT {Columns} FROM dataset_versions WHERE name = $1 ORDER BY version", [name], cancellationToken);

    private Task<IReadOnlyList<DatasetVersion>> Query(string sql, object[] args, CancellationToken ct) =>
        db.ReadAsync<IReadOnlyList<DatasetVersion>>(async conn =>
        {
            await using var cmd = new NpgsqlCommand(sql, conn);
            foreach (var a in args) cmd.Parameters.AddWithValue(a);
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var list = new List<DatasetVersion>();
            while (await r.ReadAsync(ct).ConfigureAwait(false)) list.Add(Read(r));
            return list;
        }, ct);

    private static DatasetVersion Read(NpgsqlDataReader r) => new(
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
