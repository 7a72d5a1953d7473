using Keel.Tracking;
using Microsoft.Data.Sqlite;

namespace Keel.Metadata.Sqlite;

/// <summary>Writes one batch of run records inside the caller's transaction, with prepared statements.</summary>
internal static class SqliteRunWriter
{
    public static void Write(SqliteDatabase db, SqliteTransaction tx, RunId id, RunBatch batch)
    {
        var run = id.ToString();
        foreach (var (key, value) in batch.Params) WriteParam(db, tx, id, key, value);
        if (batch.Metrics.Count > 0) WriteMetrics(db, tx, run, batch.Metrics);
        foreach (var (key, value) in batch.Tags)
        {
            using var cmd = db.Command("INSERT INTO run_tags(run_id, key, value) VALUES ($r, $k, $v) ON CONFLICT(run_id, key) DO UPDATE SET value = excluded.value", tx);
            cmd.Parameters.AddWithValue("$r", run);
            cmd.Parameters.AddWithValue("$k", key);
            cmd.Parameters.AddWithValue("$v", value);
            cmd.ExecuteNonQuery();
        }
        foreach (var input in batch.Inputs)
        {
            using var cmd = db.Command("INSERT INTO run_inputs(run_id, ref, digest, is_manifest, role) VALUES ($r, $ref, $d, $m, $role)", tx);
            cmd.Parameters.AddWithValue("$r", run);
            cmd.Parameters.AddWithValue("$ref", input.Ref);
            cmd.Parameters.AddWithValue("$d", input.Digest.ToString());
            cmd.Parameters.AddWithValue("$m", input.IsManifest ? 1 : 0);
            cmd.Parameters.AddWithValue("$role", input.Role);
            cmd.ExecuteNonQuery();
        }
        foreach (var output in batch.Outputs)
        {
            using var cmd = db.Command("INSERT INTO run_outputs(run_id, name, kind, digest, is_manifest, bytes) VALUES ($r, $n, $k, $d, $m, $b)", tx);
            cmd.Parameters.AddWithValue("$r", run);
            cmd.Parameters.AddWithValue("$n", output.Name);
            cmd.Parameters.AddWithValue("$k", output.Kind);
            cmd.Parameters.AddWithValue("$d", output.Digest.ToString());
            cmd.Parameters.AddWithValue("$m", output.IsManifest ? 1 : 0);
            cmd.Parameters.AddWithValue("$b", output.Bytes);
            cmd.ExecuteNonQuery();
        }
    }

    private static void WriteParam(SqliteDatabase db, SqliteTransaction tx, RunId id, string key, string value)
    {
        using (var read = db.Command("SELECT value FROM run_params WHERE run_id = $r AND key = $k", tx))
        {
            read.Parameters.AddWithValue("$r", id.ToString());
            read.Parameters.AddWithValue("$k", key);
            if (read.ExecuteScalar() is string existing)
            {
                if (existing == value) return;
                throw new KeelException($"param '{key}' of run {id.Short} is already '{existing}' and cannot become '{value}': params are written once (log a new run, or use a tag for mutable values)");
            }
        }
        using var cmd = db.Command("INSERT INTO run_params(run_id, key, value) VALUES ($r, $k, $v)", tx);
        cmd.Parameters.AddWithValue("$r", id.ToString());
        cmd.Parameters.AddWithValue("$k", key);
        cmd.Parameters.AddWithValue("$v", value);
        cmd.ExecuteNonQuery();
    }

    private static void WriteMetrics(SqliteDatabase db, SqliteTransaction tx, string run, IReadOnlyList<MetricPoint> metrics)
    {
        using var insert = db.Command("INSERT INTO run_metrics(run_id, key, value, step, timestamp) VALUES ($r, $k, $v, $s, $t)", tx);
        using var latest = db.Command("""
            INSERT INTO run_latest_metrics(run_id, key, value, step, timestamp) VALUES ($r, $k, $v, $s, $t)
            ON CONFLICT(run_id, key) DO UPDATE SET value = excluded.value, step = excluded.step, timestamp = excluded.timestamp
            WHERE excluded.step >= run_latest_metrics.step
            """, tx);
        var ir = insert.Parameters.Add("$r", SqliteType.Text);
        var ik = insert.Parameters.Add("$k", SqliteType.Text);
        var iv = insert.Parameters.Add("$v", SqliteType.Real);
        var istep = insert.Parameters.Add("$s", SqliteType.Integer);
        var it = insert.Parameters.Add("$t", SqliteType.Integer);
        var lr = latest.Parameters.Add("$r", SqliteType.Text);
        var lk = latest.Parameters.Add("$k", SqliteType.Text);
        var lv = latest.Parameters.Add("$v", SqliteType.Real);
        var lstep = latest.Parameters.Add("$s", SqliteType.Integer);
        var lt = latest.Parameters.Add("$t", SqliteType.Integer);
        ir.Value = lr.Value = run;
        // The latest-value table only needs the last point per key of this batch.
        var last = new Dictionary<string, MetricPoint>(StringComparer.Ordinal);
        foreach (var m in metrics)
        {
            ik.Value = m.Key;
            iv.Value = SqliteRunRows.MetricParameter(m.Value);
            istep.Value = m.Step;
            it.Value = m.Timestamp.ToUnixTimeMilliseconds();
            insert.ExecuteNonQuery();
            if (!last.TryGetValue(m.Key, out var prev) || m.Step >= prev.Step) last[m.Key] = m;
        }
        foreach (var m in last.Values)
        {
            lk.Value = m.Key;
            lv.Value = SqliteRunRows.MetricParameter(m.Value);
            lstep.Value = m.Step;
            lt.Value = m.Timestamp.ToUnixTimeMilliseconds();
            latest.ExecuteNonQuery();
        }
    }
}
