using Keel.Metadata;
using Keel.Objects;
using Npgsql;

namespace Keel.Postgres;

internal sealed class PostgresRunCacheStore(PostgresDatabase db, TimeProvider time) : IRunCacheStore
{
    public Task<IReadOnlyList<CachedOutput>?> FindAsync(Digest recipe, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<CachedOutput>?>(async conn =>
        {
            await using (var exists = new NpgsqlCommand("SELECT 1 FROM run_cache WHERE recipe = $1", conn))
            {
                exists.Parameters.AddWithValue(recipe.ToString());
                if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null) return null;
            }
            await using var cmd = new NpgsqlCommand("SELECT path, digest, kind, bytes, files, out_kind FROM run_cache_outputs WHERE recipe = $1 ORDER BY path COLLATE \"C\"", conn);
            cmd.Parameters.AddWithValue(recipe.ToString());
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var list = new List<CachedOutput>();
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                list.Add(new CachedOutput(r.GetString(0), Digest.Parse(r.GetString(1)),
                    r.GetString(2) == "file" ? TreeKind.File : TreeKind.Directory, r.GetInt64(3), r.GetInt64(4), r.GetString(5)));
            }
            return list;
        }, cancellationToken);

    public Task SaveAsync(Digest recipe, string? runId, IReadOnlyList<CachedOutput> outputs, CancellationToken cancellationToken) =>
        db.WriteAsync(async (conn, tx) =>
        {
            // Two clients saving one recipe at once: the row lock of the upsert orders them; the last one wins whole.
            await using (var up = new NpgsqlCommand("INSERT INTO run_cache(recipe, run_id, created_at) VALUES ($1, $2, $3) ON CONFLICT (recipe) DO UPDATE SET run_id = EXCLUDED.run_id, created_at = EXCLUDED.created_at", conn, tx))
            {
                up.Parameters.AddWithValue(recipe.ToString());
                up.Parameters.Add(PostgresLineageStore.Text(runId));
                up.Parameters.AddWithValue(time.GetUtcNow().ToUnixTimeMilliseconds());
                await up.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            await using (var del = new NpgsqlCommand("DELETE FROM run_cache_outputs WHERE recipe = $1", conn, tx))
            {
                del.Parameters.AddWithValue(recipe.ToString());
                await del.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            foreach (var o in outputs)
            {
                await using var ins = new NpgsqlCommand("INSERT INTO run_cache_outputs(recipe, path, digest, kind, bytes, files, out_kind) VALUES ($1, $2, $3, $4, $5, $6, $7)", conn, tx);
                ins.Parameters.AddWithValue(recipe.ToString());
                ins.Parameters.AddWithValue(o.Path);
                ins.Parameters.AddWithValue(o.Digest.ToString());
                ins.Parameters.AddWithValue(o.Kind == TreeKind.File ? "file" : "directory");
                ins.Parameters.AddWithValue(o.Bytes);
                ins.Parameters.AddWithValue(o.Files);
                ins.Parameters.AddWithValue(o.OutKind);
                await ins.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            return 0;
        }, cancellationToken);
}
