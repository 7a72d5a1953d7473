using System.Text.Json;
using Keel.Tracking;
using Keel.Tracking.Filters;
using Microsoft.Data.Sqlite;

namespace Keel.Metadata.Sqlite;

internal sealed class SqliteRunStore(SqliteDatabase db, SqliteLineageStore lineage) : IRunStore
{
    private readonly SqliteRunReader _reader = new(db);

    public Task<Run> CreateAsync(NewRun run, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(run);
        db.Write(tx =>
        {
            using var cmd = db.Command("""
                INSERT INTO runs(id, name, experiment, kind, status, started_at, heartbeat_at, user_name, host, pid, process_start, command, seed,
                                 git_commit, git_branch, git_remote, git_dirty, git_diff, git_diff_bytes, git_skipped, env_digest)
                VALUES ($id, $name, $exp, $kind, 'running', $t, $t, $user, $host, $pid, $ps, $cmd, $seed, $gc, $gb, $gr, $gd, $diff, $db, $gs, $env)
                """, tx);
            var p = cmd.Parameters;
            p.AddWithValue("$id", run.Id.ToString());
            p.AddWithValue("$name", run.Name);
            p.AddWithValue("$exp", (object?)run.Experiment ?? DBNull.Value);
            p.AddWithValue("$kind", run.Kind);
            p.AddWithValue("$t", run.StartedAt.ToUnixTimeMilliseconds());
            p.AddWithValue("$user", run.User);
            p.AddWithValue("$host", run.Host);
            p.AddWithValue("$pid", (object?)run.Pid ?? DBNull.Value);
            p.AddWithValue("$ps", (object?)run.ProcessStart ?? DBNull.Value);
            p.AddWithValue("$cmd", (object?)run.Command ?? DBNull.Value);
            p.AddWithValue("$seed", run.Seed);
            p.AddWithValue("$gc", (object?)run.Git.Commit ?? DBNull.Value);
            p.AddWithValue("$gb", (object?)run.Git.Branch ?? DBNull.Value);
            p.AddWithValue("$gr", (object?)run.Git.Remote ?? DBNull.Value);
            p.AddWithValue("$gd", run.Git.Dirty ? 1 : 0);
            p.AddWithValue("$diff", run.Git.Diff is { } d ? d.ToString() : DBNull.Value);
            p.AddWithValue("$db", run.Git.DiffBytes);
            p.AddWithValue("$gs", JsonSerializer.Serialize(run.Git.SkippedUntracked));
            p.AddWithValue("$env", run.Environment is { } e ? e.ToString() : DBNull.Value);
            cmd.ExecuteNonQuery();
            return 0;
        });
        return Task.FromResult(new Run(run.Id, run.Name, run.Experiment, run.Kind, RunStatus.Running, run.StartedAt, null, run.StartedAt,
            run.User, run.Host, run.Pid, run.ProcessStart, run.Command, null, run.Seed, run.Git, run.Environment, null));
    }

    public Task<Run?> GetAsync(RunId id, CancellationToken cancellationToken) => Task.FromResult(_reader.Get(id, null));

    public Task<IReadOnlyList<RunId>> FindByPrefixAsync(string prefix, int limit, CancellationToken cancellationToken) =>
        Task.FromResult(_reader.FindByPrefix(prefix, limit));

    public Task LogAsync(RunId id, RunBatch batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.IsEmpty) return Task.CompletedTask;
        db.Write(tx =>
        {
            RequireRunning(tx, id);
            SqliteRunWriter.Write(db, tx, id, batch);
            return 0;
        });
        return Task.CompletedTask;
    }

    public Task HeartbeatAsync(RunId id, DateTimeOffset at, CancellationToken cancellationToken)
    {
        db.Write(tx =>
        {
            using var cmd = db.Command("UPDATE runs SET heartbeat_at = $t WHERE id = $id AND status = 'running'", tx);
            cmd.Parameters.AddWithValue("$t", at.ToUnixTimeMilliseconds());
            cmd.Parameters.AddWithValue("$id", id.ToString());
            return cmd.ExecuteNonQuery();
        });
        return Task.CompletedTask;
    }

    public Task<Run> FinishAsync(RunId id, RunCompletion completion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(completion);
        if (completion.Status == RunStatus.Running) throw new ArgumentException("a run cannot finish as running", nameof(completion));
        var finished = db.Write(tx =>
        {
            RequireRunning(tx, id);
            using (var cmd = db.Command("""
                UPDATE runs SET status = $s, ended_at = $t, exit_code = $x, cpu_seconds = $cpu, peak_memory_bytes = $mem, wall_seconds = $wall, end_reason = $why
                WHERE id = $id
                """, tx))
            {
                var p = cmd.Parameters;
                p.AddWithValue("$s", RunStatusNames.Name(completion.Status));
                p.AddWithValue("$t", completion.EndedAt.ToUnixTimeMilliseconds());
                p.AddWithValue("$x", (object?)completion.ExitCode ?? DBNull.Value);
                p.AddWithValue("$cpu", (object?)completion.Resources?.CpuSeconds ?? DBNull.Value);
                p.AddWithValue("$mem", (object?)completion.Resources?.PeakMemoryBytes ?? DBNull.Value);
                p.AddWithValue("$wall", (object?)completion.Resources?.WallSeconds ?? DBNull.Value);
                p.AddWithValue("$why", (object?)completion.Reason ?? DBNull.Value);
                p.AddWithValue("$id", id.ToString());
                cmd.ExecuteNonQuery();
            }
            // The final status and the run's lineage commit together.
            var detail = _reader.Detail(id, tx)!;
            var inputNodes = detail.Inputs.Select(i => FindNode(tx, "artifact", i.Ref, i.Digest.ToString())).ToList();
            var agent = FindNode(tx, "agent", $"{detail.Run.User}@{detail.Run.Host}", null);
            var (nodes, runIndex) = RunLineage.Build(detail, completion.EndedAt, inputNodes, agent);
            var ids = lineage.Append(tx, nodes);
            using (var link = db.Command("UPDATE runs SET lineage_node = $n WHERE id = $id", tx))
            {
                link.Parameters.AddWithValue("$n", ids[runIndex]);
                link.Parameters.AddWithValue("$id", id.ToString());
                link.ExecuteNonQuery();
            }
            return detail.Run;
        });
        return Task.FromResult(finished);
    }

    public Task<RunDetail?> GetDetailAsync(RunId id, CancellationToken cancellationToken) => Task.FromResult(_reader.Detail(id, null));

    public Task<IReadOnlyList<MetricPoint>> MetricHistoryAsync(RunId id, string key, CancellationToken cancellationToken) =>
        Task.FromResult(_reader.History(id, key));

    public Task<IReadOnlyList<Run>> QueryAsync(RunQuery query, CancellationToken cancellationToken) => Task.FromResult(_reader.Query(query));

    public Task<IReadOnlyList<Run>> ListRunningAsync(CancellationToken cancellationToken) =>
        Task.FromResult(_reader.Query(new RunQuery(null, new RunFilterComparison(new RunField(FieldScope.Attribute, "status"), CompareOp.Equal, "running"), RunSort.Default, int.MaxValue)));

    private void RequireRunning(SqliteTransaction tx, RunId id)
    {
        using var cmd = db.Command("SELECT status FROM runs WHERE id = $id", tx);
        cmd.Parameters.AddWithValue("$id", id.ToString());
        var status = cmd.ExecuteScalar() as string
            ?? throw new KeelException($"no run {id}; 'keel runs list' shows the runs of this workspace");
        if (status != "running")
            throw new KeelException($"run {id.Short} is {status}; logging to a run that has ended is an error (start a new run)");
    }

    private long? FindNode(SqliteTransaction tx, string type, string label, string? digest)
    {
        using var cmd = db.Command(
            "SELECT id FROM lineage_nodes WHERE type = $t AND label = $l AND ($d IS NULL OR digest = $d) ORDER BY id DESC LIMIT 1", tx);
        cmd.Parameters.AddWithValue("$t", type);
        cmd.Parameters.AddWithValue("$l", label);
        cmd.Parameters.AddWithValue("$d", (object?)digest ?? DBNull.Value);
        return cmd.ExecuteScalar() is long n ? n : null;
    }
}
