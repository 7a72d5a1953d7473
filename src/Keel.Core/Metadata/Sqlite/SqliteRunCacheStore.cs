using Keel.Objects;

namespace Keel.Metadata.Sqlite;

internal sealed class SqliteRunCacheStore(SqliteDatabase db, TimeProvider time) : IRunCacheStore
{
    public Task<IReadOnlyList<CachedOutput>?> FindAsync(Digest recipe, CancellationToken cancellationToken)
    {
        using var exists = db.Command("SELECT 1 FROM run_cache WHERE recipe = $r");
        exists.Parameters.AddWithValue("$r", recipe.ToString());
        if (exists.ExecuteScalar() is null) return Task.FromResult<IReadOnlyList<CachedOutput>?>(null);
        using var cmd = db.Command("SELECT path, digest, kind, bytes, files, out_kind FROM run_cache_outputs WHERE recipe = $r ORDER BY path");
        cmd.Parameters.AddWithValue("$r", recipe.ToString());
        using var r = cmd.ExecuteReader();
        var list = new List<CachedOutput>();
        while (r.Read())
        {
            list.Add(new CachedOutput(r.GetString(0), Digest.Parse(r.GetString(1)),
                r.GetString(2) == "file" ? TreeKind.File : TreeKind.Directory, r.GetInt64(3), r.GetInt64(4), r.GetString(5)));
        }
        return Task.FromResult<IReadOnlyList<CachedOutput>?>(list);
    }

    public Task SaveAsync(Digest recipe, string? runId, IReadOnlyList<CachedOutput> outputs, CancellationToken cancellationToken)
    {
        db.Write(tx =>
        {
            using (var del = db.Command("DELETE FROM run_cache_outputs WHERE recipe = $r", tx))
            {
                del.Parameters.AddWithValue("$r", recipe.ToString());
                del.ExecuteNonQuery();
            }
            using (var up = db.Command("INSERT INTO run_cache(recipe, run_id, created_at) VALUES ($r, $id, $t) ON CONFLICT(recipe) DO UPDATE SET run_id = $id, created_at = $t", tx))
            {
                up.Parameters.AddWithValue("$r", recipe.ToString());
                up.Parameters.AddWithValue("$id", (object?)runId ?? DBNull.Value);
                up.Parameters.AddWithValue("$t", time.GetUtcNow().ToUnixTimeMilliseconds());
                up.ExecuteNonQuery();
            }
            using var ins = db.Command("INSERT INTO run_cache_outputs(recipe, path, digest, kind, bytes, files, out_kind) VALUES ($r, $p, $d, $k, $b, $f, $o)", tx);
            foreach (var o in outputs)
            {
                ins.Parameters.Clear();
                ins.Parameters.AddWithValue("$r", recipe.ToString());
                ins.Parameters.AddWithValue("$p", o.Path);
                ins.Parameters.AddWithValue("$d", o.Digest.ToString());
                ins.Parameters.AddWithValue("$k", o.Kind == TreeKind.File ? "file" : "directory");
                ins.Parameters.AddWithValue("$b", o.Bytes);
                ins.Parameters.AddWithValue("$f", o.Files);
                ins.Parameters.AddWithValue("$o", o.OutKind);
                ins.ExecuteNonQuery();
            }
            return 0;
        });
        return Task.CompletedTask;
    }
}
