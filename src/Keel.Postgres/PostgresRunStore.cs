using System.Text.Json;
using Keel.Metadata;
using Keel.Objects;
using Keel.Tracking;
using Keel.Tracking.Filters;
using Npgsql;
using NpgsqlTypes;

namespace Keel.Postgres;

/// <summary>
/// Runs in PostgreSQL. Writes to one run are serialised by locking its row (<c>SELECT ... FOR UPDATE</c>)
/// for the transaction, which is what SQLite's BEGIN IMMEDIATE gave: a param read-then-insert and a
/// finish cannot interleave with another writer of the same run; other runs do not wait.
/// </summary>
internal sealed class PostgresRunStore(PostgresDatabase db) : IRunStore
{
    public Task<Run> CreateAsync(NewRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        return db.WriteAsync(async (conn, tx) =>
        {
            await using var cmd = new NpgsqlCommand("""
                INSERT INTO runs(id, name, experiment, kind, status, started_at, heartbeat_at, user_name, host, pid, process_start, command, seed,
                                 git_commit, git_branch, git_remote, git_dirty, git_diff, git_diff_bytes, git_skipped, env_digest)
                VALUES ($1, $2, $3, $4, 'running', $5, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
                """, conn, tx);
            var p = cmd.Parameters;
            p.AddWithValue(run.Id.ToString());
            p.AddWithValue(run.Name);
            p.Add(PostgresLineageStore.Text(run.Experiment));
            p.AddWithValue(run.Kind);
            p.AddWithValue(run.StartedAt.ToUnixTimeMilliseconds());
            p.AddWithValue(run.User);
            p.AddWithValue(run.Host);
            p.Add(PostgresRunRows.Nullable(run.Pid, NpgsqlDbType.Integer));
            p.Add(PostgresRunRows.Nullable(run.ProcessStart, NpgsqlDbType.Bigint));
            p.Add(PostgresLineageStore.Text(run.Command));
            p.AddWithValue(run.Seed);
            p.Add(PostgresLineageStore.Text(run.Git.Commit));
            p.Add(PostgresLineageStore.Text(run.Git.Branch));
            p.Add(PostgresLineageStore.Text(run.Git.Remote));
            p.AddWithValue(run.Git.Dirty);
            p.Add(PostgresLineageStore.Text(run.Git.Diff?.ToString()));
            p.AddWithValue(run.Git.DiffBytes);
            p.AddWithValue(JsonSerializer.Serialize(run.Git.SkippedUntracked));
            p.Add(PostgresLineageStore.Text(run.Environment?.ToString()));
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return new Run(run.Id, run.Name, run.Experiment, run.Kind, RunStatus.Running, run.StartedAt, null, run.StartedAt,
                run.User, run.Host, run.Pid, run.ProcessStart, run.Command, null, run.Seed, run.Git, run.Environment, null);
        }, cancellationToken);
    }

    public Task<Run?> GetAsync(RunId id, CancellationToken cancellationToken) =>
        db.ReadAsync(conn => Get(conn, null, id, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<RunId>> FindByPrefixAsync(string prefix, int limit, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<RunId>>(async conn =>
        {
            // Ids are lower-case hex; LIKE 'prefix%' is a range scan on the text_pattern_ops index.
            await using var cmd = new NpgsqlCommand("SELECT id FROM runs WHERE id LIKE $1 ORDER BY id COLLATE \"C\" LIMIT $2", conn);
            var lo = prefix.ToLowerInvariant().Replace("\\", "\\\\", StringComparison.Ordinal)
                .Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
            cmd.Parameters.AddWithValue(lo + "%");
            cmd.Parameters.AddWithValue(limit);
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var ids = new List<RunId>();
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false)) ids.Add(RunId.Parse(r.GetString(0)));
            return ids;
        }, cancellationToken);

    public async Task LogAsync(RunId id, RunBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.IsEmpty) return;
        await db.WriteAsync(async (conn, tx) =>
        {
            if (batch.Metrics.Count >= PostgresRunWriter.CopyThreshold && batch.Params.Count + batch.Tags.Count + batch.Inputs.Count + batch.Outputs.Count == 0)
            {
                // A metric flush: COPY first, then the running check and the latest values in one
                // round trip; a run that is not running throws before commit, so no row stays.
                EnsureRunning(id, await PostgresRunWriter.CopyMetricsCheckedAsync(conn, tx, id, batch.Metrics, cancellationToken).ConfigureAwait(false));
                return 0;
            }
            await RequireRunningAsync(conn, tx, id, cancellationToken).ConfigureAwait(false);
            await PostgresRunWriter.WriteAsync(conn, tx, id, batch, cancellationToken).ConfigureAwait(false);
            return 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task HeartbeatAsync(RunId id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await db.WriteAsync(async (conn, tx) =>
        {
            await using var cmd = new NpgsqlCommand("UPDATE runs SET heartbeat_at = $1 WHERE id = $2 AND status = 'running'", conn, tx);
            cmd.Parameters.AddWithValue(at.ToUnixTimeMilliseconds());
            cmd.Parameters.AddWithValue(id.ToString());
            return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    public Task<Run> FinishAsync(RunId id, RunCompletion completion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completion);
        return db.WriteAsync(async (conn, tx) =>
        {
            await RequireRunningAsync(conn, tx, id, cancellationToken).ConfigureAwait(false);
            await using (var cmd = new NpgsqlCommand("""
                UPDATE runs SET status = $1, ended_at = $2, exit_code = $3, cpu_seconds = $4, peak_memory_bytes = $5, wall_seconds = $6, end_reason = $7
                WHERE id = $8
                """, conn, tx))
            {
                var p = cmd.Parameters;
                p.AddWithValue(RunStatusNames.Name(completion.Status));
                p.AddWithValue(completion.EndedAt.ToUnixTimeMilliseconds());
                p.Add(PostgresRunRows.Nullable(completion.ExitCode, NpgsqlDbType.Integer));
                p.Add(PostgresRunRows.Nullable(completion.Resources?.CpuSeconds, NpgsqlDbType.Double));
                p.Add(PostgresRunRows.Nullable(completion.Resources?.PeakMemoryBytes, NpgsqlDbType.Bigint));
                p.Add(PostgresRunRows.Nullable(completion.Resources?.WallSeconds, NpgsqlDbType.Double));
                p.Add(PostgresLineageStore.Text(completion.Reason));
                p.AddWithValue(id.ToString());
                await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            // The final status and the run's lineage commit together.
            var detail = (await DetailAsync(conn, tx, id, cancellationToken).ConfigureAwait(false))!;
            var inputNodes = new List<long?>();
            foreach (var i in detail.Inputs)
                inputNodes.Add(await FindNodeAsync(conn, tx, "artifact", i.Ref, i.Digest.ToString(), cancellationToken).ConfigureAwait(false));
            var agent = await FindNodeAsync(conn, tx, "agent", $"{detail.Run.User}@{detail.Run.Host}", null, cancellationToken).ConfigureAwait(false);
            var (nodes, runIndex) = RunLineage.Build(detail, completion.EndedAt, inputNodes, agent);
            var ids = await PostgresLineageStore.AppendAsync(db, conn, tx, nodes, cancellationToken).ConfigureAwait(false);
            await using (var link = new NpgsqlCommand("UPDATE runs SET lineage_node = $1 WHERE id = $2", conn, tx))
            {
                link.Parameters.AddWithValue(ids[runIndex]);
                link.Parameters.AddWithValue(id.ToString());
                await link.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            return detail.Run;
        }, cancellationToken);
    }

    public Task<RunDetail?> GetDetailAsync(RunId id, CancellationToken cancellationToken) =>
        db.ReadAsync(conn => DetailAsync(conn, null, id, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<MetricPoint>> MetricHistoryAsync(RunId id, string key, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<MetricPoint>>(async conn =>
        {
            await using var cmd = new NpgsqlCommand("SELECT value, step, timestamp FROM run_metrics WHERE run_id = $1 AND key = $2 ORDER BY step, timestamp, seq", conn);
            cmd.Parameters.AddWithValue(id.ToString());
            cmd.Parameters.AddWithValue(key);
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var list = new List<MetricPoint>();
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                list.Add(new MetricPoint(key, RunRows.MetricValue(r, 0), r.GetInt64(1), RunRows.Ms(r.GetInt64(2))));
            return list;
        }, cancellationToken);

    public Task<IReadOnlyList<Run>> QueryAsync(RunQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return db.ReadAsync<IReadOnlyList<Run>>(async conn =>
        {
            await using var cmd = new NpgsqlCommand("", conn);
            var where = new List<string>();
            if (query.Experiment is not null) where.Add("r.experiment = " + PostgresRunFilter.Parameter(cmd, query.Experiment));
            if (query.Filter is not null) where.Add(PostgresRunFilter.Compile(query.Filter, cmd));
            var order = PostgresRunFilter.OrderBy(query.Sort, cmd);
            var limit = PostgresRunFilter.Parameter(cmd, query.Limit);
            cmd.CommandText = $"SELECT {RunRows.Columns} FROM runs r"
                + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where.Select(w => "(" + w + ")")) : "")
                + $" ORDER BY {order} LIMIT {limit}";
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var list = new List<Run>();
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false)) list.Add(RunRows.Read(r));
            return list;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<Run>> ListRunningAsync(CancellationToken cancellationToken) =>
        QueryAsync(new RunQuery(null, new RunFilterComparison(new RunField(FieldScope.Attribute, "status"), CompareOp.Equal, "running"), RunSort.Default, int.MaxValue), cancellationToken);

    private static async Task<Run?> Get(NpgsqlConnection conn, NpgsqlTransaction? tx, RunId id, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT {RunRows.Columns} FROM runs r WHERE r.id = $1", conn, tx);
        cmd.Parameters.AddWithValue(id.ToString());
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        return await r.ReadAsync(ct).ConfigureAwait(false) ? RunRows.Read(r) : null;
    }

    private static async Task<RunDetail?> DetailAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, RunId id, CancellationToken ct)
    {
        var run = await Get(conn, tx, id, ct).ConfigureAwait(false);
        if (run is null) return null;
        var key = id.ToString();
        var parameters = await PairsAsync(conn, tx, "SELECT key, value FROM run_params WHERE run_id = $1", key, ct).ConfigureAwait(false);
        var tags = await PairsAsync(conn, tx, "SELECT key, value FROM run_tags WHERE run_id = $1", key, ct).ConfigureAwait(false);
        var latest = new SortedDictionary<string, MetricPoint>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand("SELECT key, value, step, timestamp FROM run_latest_metrics WHERE run_id = $1", conn, tx))
        {
            cmd.Parameters.AddWithValue(key);
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false))
                latest[r.GetString(0)] = new MetricPoint(r.GetString(0), RunRows.MetricValue(r, 1), r.GetInt64(2), RunRows.Ms(r.GetInt64(3)));
        }
        var inputs = new List<RunInput>();
        await using (var cmd = new NpgsqlCommand("SELECT ref, digest, is_manifest, role FROM run_inputs WHERE run_id = $1 ORDER BY seq", conn, tx))
        {
            cmd.Parameters.AddWithValue(key);
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false)) inputs.Add(new RunInput(r.GetString(0), Digest.Parse(r.GetString(1)), r.GetBoolean(2), r.GetString(3)));
        }
        var outputs = new List<RunOutput>();
        await using (var cmd = new NpgsqlCommand("SELECT name, kind, digest, is_manifest, bytes FROM run_outputs WHERE run_id = $1 ORDER BY seq", conn, tx))
        {
            cmd.Parameters.AddWithValue(key);
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            while (await r.ReadAsync(ct).ConfigureAwait(false))
                outputs.Add(new RunOutput(r.GetString(0), r.GetString(1), Digest.Parse(r.GetString(2)), r.GetBoolean(3), r.GetInt64(4)));
        }
        return new RunDetail(run, parameters, latest, tags, inputs, outputs);
    }

    private static async Task<SortedDictionary<string, string>> PairsAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, string run, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        cmd.Parameters.AddWithValue(run);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var map = new SortedDictionary<string, string>(StringComparer.Ordinal);
        while (await r.ReadAsync(ct).ConfigureAwait(false)) map[r.GetString(0)] = r.GetString(1);
        return map;
    }

    private static async Task RequireRunningAsync(NpgsqlConnection conn, NpgsqlTransaction tx, RunId id, CancellationToken ct)
    {
        // FOR UPDATE holds the run's row to commit: the per-run analogue of BEGIN IMMEDIATE.
        await using var cmd = new NpgsqlCommand("SELECT status FROM runs WHERE id = $1 FOR UPDATE", conn, tx);
        cmd.Parameters.AddWithValue(id.ToString());
        EnsureRunning(id, await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) as string);
    }

    private static void EnsureRunning(RunId id, string? status)
    {
        if (status is null) throw new KeelException($"no run {id}; 'keel runs list' shows the runs of this workspace");
        if (status != "running")
            throw new KeelException($"run {id.Short} is {status}; logging to a run that has ended is an error (start a new run)");
    }

    private static async Task<long?> FindNodeAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string type, string label, string? digest, CancellationToken ct)
    {
        var sql = digest is null
            ? "SELECT id FROM lineage_nodes WHERE type = $1 AND label = $2 ORDER BY id DESC LIMIT 1"
            : "SELECT id FROM lineage_nodes WHERE type = $1 AND label = $2 AND digest = $3 ORDER BY id DESC LIMIT 1";
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        cmd.Parameters.AddWithValue(type);
        cmd.Parameters.AddWithValue(label);
        if (digest is not null) cmd.Parameters.AddWithValue(digest);
        return await cmd.ExecuteScalarAsync(ct).ConfigureAwait(false) is long n ? n : null;
    }
}
