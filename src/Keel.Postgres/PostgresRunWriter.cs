using Keel.Metadata;
using Keel.Tracking;
using Npgsql;
using NpgsqlTypes;

namespace Keel.Postgres;

/// <summary>Writes one batch of run records inside the caller's transaction (the run's row is already locked).</summary>
internal static class PostgresRunWriter
{
    public static async Task WriteAsync(NpgsqlConnection conn, NpgsqlTransaction tx, RunId id, RunBatch batch, CancellationToken ct)
    {
        var run = id.ToString();
        foreach (var (key, value) in batch.Params) await WriteParamAsync(conn, tx, id, key, value, ct).ConfigureAwait(false);
        if (batch.Metrics.Count > 0) await WriteMetricsAsync(conn, tx, run, batch.Metrics, ct).ConfigureAwait(false);
        if (batch.Tags.Count + batch.Inputs.Count + batch.Outputs.Count == 0) return;
        var b = new NpgsqlBatch(conn, tx);
        await using (b.ConfigureAwait(false))
        {
            foreach (var (key, value) in batch.Tags)
            {
                var c = new NpgsqlBatchCommand("INSERT INTO run_tags(run_id, key, value) VALUES ($1, $2, $3) ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value");
                c.Parameters.Add(new NpgsqlParameter<string> { TypedValue = run });
                c.Parameters.Add(new NpgsqlParameter<string> { TypedValue = key });
                c.Parameters.Add(new NpgsqlParameter<string> { TypedValue = value });
                b.BatchCommands.Add(c);
            }
            foreach (var input in batch.Inputs)
            {
                var c = new NpgsqlBatchCommand("INSERT INTO run_inputs(run_id, ref, digest, is_manifest, role) VALUES ($1, $2, $3, $4, $5)");
                c.Parameters.Add(new NpgsqlParameter<string> { TypedValue = run });
                c.Parameters.Add(new NpgsqlParameter<string> { TypedValue = input.Ref });
                c.Parameters.Add(new NpgsqlParameter<string> { TypedValue = input.Digest.ToString() });
                c.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = input.IsManifest });
                c.Parameters.Add(new NpgsqlParameter<string> { TypedValue = input.Role });
                b.BatchCommands.Add(c);
            }
            foreach (var output in batch.Outputs)
            {
                var c = new NpgsqlBatchCommand("INSERT INTO run_outputs(run_id, name, kind, digest, is_manifest, bytes) VALUES ($1, $2, $3, $4, $5, $6)");
                c.Parameters.Add(new NpgsqlParameter<string> { TypedValue = run });
                c.Parameters.Add(new NpgsqlParameter<string> { TypedValue = output.Name });
                c.Parameters.Add(new NpgsqlParameter<string> { TypedValue = output.Kind });
                c.Parameters.Add(new NpgsqlParameter<string> { TypedValue = output.Digest.ToString() });
                c.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = output.IsManifest });
                c.Parameters.Add(new NpgsqlParameter<long> { TypedValue = output.Bytes });
                b.BatchCommands.Add(c);
            }
            await b.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    private static async Task WriteParamAsync(NpgsqlConnection conn, NpgsqlTransaction tx, RunId id, string key, string value, CancellationToken ct)
    {
        await using (var read = new NpgsqlCommand("SELECT value FROM run_params WHERE run_id = $1 AND key = $2", conn, tx))
        {
            read.Parameters.AddWithValue(id.ToString());
            read.Parameters.AddWithValue(key);
            if (await read.ExecuteScalarAsync(ct).ConfigureAwait(false) is string existing)
            {
                if (existing == value) return;
                throw new KeelException($"param '{key}' of run {id.Short} is already '{existing}' and cannot become '{value}': params are written once (log a new run, or use a tag for mutable values)");
            }
        }
        await using var cmd = new NpgsqlCommand("INSERT INTO run_params(run_id, key, value) VALUES ($1, $2, $3)", conn, tx);
        cmd.Parameters.AddWithValue(id.ToString());
        cmd.Parameters.AddWithValue(key);
        cmd.Parameters.AddWithValue(value);
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Batches this large go through binary COPY; smaller ones through one batched INSERT round trip.</summary>
    internal const int CopyThreshold = 32;

    private static async Task WriteMetricsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string run, IReadOnlyList<MetricPoint> metrics, CancellationToken ct)
    {
        if (metrics.Count >= CopyThreshold) await CopyMetricsAsync(conn, run, metrics, ct).ConfigureAwait(false);
        var b = LatestBatch(conn, tx, run, LastPerKey(metrics));
        await using (b.ConfigureAwait(false))
        {
            if (metrics.Count < CopyThreshold)
            {
                var at = 0;
                foreach (var m in metrics)
                {
                    var c = new NpgsqlBatchCommand("INSERT INTO run_metrics(run_id, key, value, step, timestamp) VALUES ($1, $2, $3, $4, $5)");
                    AddMetric(c, run, m);
                    b.BatchCommands.Insert(at++, c);
                }
            }
            await b.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A large metric batch: binary COPY, then one round trip that locks the run's row, reads its
    /// status and upserts the latest values. Returns the status (null: no such run); the caller
    /// throws unless it is running, which rolls the whole transaction back.
    /// </summary>
    public static async Task<string?> CopyMetricsCheckedAsync(NpgsqlConnection conn, NpgsqlTransaction tx, RunId id, IReadOnlyList<MetricPoint> metrics, CancellationToken ct)
    {
        var run = id.ToString();
        await CopyMetricsAsync(conn, run, metrics, ct).ConfigureAwait(false);
        var b = LatestBatch(conn, tx, run, LastPerKey(metrics));
        await using (b.ConfigureAwait(false))
        {
            var check = new NpgsqlBatchCommand("SELECT status FROM runs WHERE id = $1 FOR UPDATE");
            check.Parameters.Add(new NpgsqlParameter<string> { TypedValue = run });
            b.BatchCommands.Insert(0, check);
            string? status = null;
            var r = await b.ExecuteReaderAsync(ct).ConfigureAwait(false);
            await using (r.ConfigureAwait(false))
            {
                if (await r.ReadAsync(ct).ConfigureAwait(false)) status = r.GetString(0);
                while (await r.NextResultAsync(ct).ConfigureAwait(false))
                {
                }
            }
            return status;
        }
    }

    private static Dictionary<string, MetricPoint>.ValueCollection LastPerKey(IReadOnlyList<MetricPoint> metrics)
    {
        var last = new Dictionary<string, MetricPoint>(StringComparer.Ordinal);
        foreach (var m in metrics)
            if (!last.TryGetValue(m.Key, out var prev) || m.Step >= prev.Step) last[m.Key] = m;
        return last.Values;
    }

    // The latest-value table only needs the last point per key of a batch.
    private static NpgsqlBatch LatestBatch(NpgsqlConnection conn, NpgsqlTransaction tx, string run, IEnumerable<MetricPoint> latest)
    {
        var b = new NpgsqlBatch(conn, tx);
        foreach (var m in latest)
        {
            var c = new NpgsqlBatchCommand("""
                INSERT INTO run_latest_metrics(run_id, key, value, step, timestamp) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value, step = excluded.step, timestamp = excluded.timestamp
                WHERE excluded.step >= run_latest_metrics.step
                """);
            AddMetric(c, run, m);
            b.BatchCommands.Add(c);
        }
        return b;
    }

    // COPY runs inside the caller's transaction (the connection's open one), so a failure later in
    // the batch leaves none of these rows behind. NaN is stored as NULL, as the INSERT path does.
    private static async Task CopyMetricsAsync(NpgsqlConnection conn, string run, IReadOnlyList<MetricPoint> metrics, CancellationToken ct)
    {
        var w = await conn.BeginBinaryImportAsync("COPY run_metrics(run_id, key, value, step, timestamp) FROM STDIN (FORMAT BINARY)", ct).ConfigureAwait(false);
        await using (w.ConfigureAwait(false))
        {
            // Rows are buffered by the importer: synchronous writes avoid an async state machine per column.
            foreach (var m in metrics)
            {
                w.StartRow();
                w.Write(run, NpgsqlDbType.Text);
                w.Write(m.Key, NpgsqlDbType.Text);
                if (double.IsNaN(m.Value)) w.WriteNull();
                else w.Write(m.Value, NpgsqlDbType.Double);
                w.Write(m.Step, NpgsqlDbType.Bigint);
                w.Write(m.Timestamp.ToUnixTimeMilliseconds(), NpgsqlDbType.Bigint);
            }
            await w.CompleteAsync(ct).ConfigureAwait(false);
        }
    }

    private static void AddMetric(NpgsqlBatchCommand c, string run, MetricPoint m)
    {
        c.Parameters.Add(new NpgsqlParameter<string> { TypedValue = run });
        c.Parameters.Add(new NpgsqlParameter<string> { TypedValue = m.Key });
        c.Parameters.Add(PostgresRunRows.MetricParameter(m.Value));
        c.Parameters.Add(new NpgsqlParameter<long> { TypedValue = m.Step });
        c.Parameters.Add(new NpgsqlParameter<long> { TypedValue = m.Timestamp.ToUnixTimeMilliseconds() });
    }
}
