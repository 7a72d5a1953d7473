using Keel.Lineage;
using Keel.Objects;
using Npgsql;

namespace Keel.Postgres;

/// <summary>
/// Appends runs to the lineage log inside the transaction that records them (see the SQLite
/// twin, <c>SqliteLineageSeals</c>). Callers hold the lineage append lock, so concurrent writers,
/// from any number of processes or hub requests, extend one chain.
/// </summary>
internal static class PostgresLineageSeals
{
    internal const string Columns = "seq, node_id, upto, root, head, sealed_at, late";

    /// <summary>Seals <paramref name="runs"/> (ascending node ids) counting outputs up to <paramref name="upTo"/>; returns the new (seq, head), or null when there was nothing to seal.</summary>
    public static async Task<(long Seq, Digest Head)?> SealAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<long> runs, long upTo, DateTimeOffset? sealedAt, bool late, CancellationToken ct)
    {
        if (runs.Count == 0) return null;
        long seq = 0;
        Digest? head = null;
        await using (var last = new NpgsqlCommand("SELECT seq, head FROM lineage_log ORDER BY seq DESC LIMIT 1", conn, tx))
        await using (var r = await last.ExecuteReaderAsync(ct).ConfigureAwait(false))
        {
            if (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                seq = r.GetInt64(0);
                head = Digest.Parse(r.GetString(1));
            }
        }
        var nodes = (await PostgresLineageStore.QueryNodesAsync(conn, tx,
            $"SELECT {PostgresLineageStore.NodeColumns} FROM lineage_nodes WHERE id = ANY($1) ORDER BY id", [runs.ToArray()], ct).ConfigureAwait(false))
            .ToDictionary(n => n.Id);
        // Inputs and outputs of every run in two round trips; a generator's root is read from
        // the log, so runs sealed earlier in this batch must be inserted before a later run reads them.
        foreach (var id in runs)
        {
            var run = nodes.GetValueOrDefault(id) ?? throw new InvalidOperationException($"run node {id} vanished inside its own transaction");
            var ins = new List<RootInput>();
            await using (var cmd = new NpgsqlCommand("""
                SELECT e.role, n.digest,
                       (SELECT l.root FROM lineage_edges g JOIN lineage_log l ON l.node_id = g.src
                        WHERE g.dst = e.src AND g.relation = 'generated' ORDER BY g.src LIMIT 1)
                FROM lineage_edges e JOIN lineage_nodes n ON n.id = e.src
                WHERE e.dst = $1 AND e.relation = 'used'
                """, conn, tx))
            {
                cmd.Parameters.AddWithValue(id);
                await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
                while (await r.ReadAsync(ct).ConfigureAwait(false))
                {
                    Digest? d = r.IsDBNull(1) ? null : Digest.Parse(r.GetString(1));
                    ins.Add(new RootInput(r.IsDBNull(0) ? null : r.GetString(0), d, r.IsDBNull(2) ? LineageRoots.RawRoot(d) : r.GetString(2)));
                }
            }
            var outs = new List<RootOutput>();
            await using (var cmd = new NpgsqlCommand("""
                SELECT e.role, n.digest FROM lineage_edges e JOIN lineage_nodes n ON n.id = e.dst
                WHERE e.src = $1 AND e.relation = 'generated' AND e.dst <= $2
                """, conn, tx))
            {
                cmd.Parameters.AddWithValue(id);
                cmd.Parameters.AddWithValue(upTo);
                await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
                while (await r.ReadAsync(ct).ConfigureAwait(false))
                    outs.Add(new RootOutput(r.IsDBNull(0) ? null : r.GetString(0), r.IsDBNull(1) ? null : Digest.Parse(r.GetString(1))));
            }
            var root = LineageRoots.Of(run, ins, outs);
            var at = sealedAt ?? run.CreatedAt;
            seq++;
            head = LineageSeal.NextHead(head, seq, id, upTo, root, at, late);
            await using var insert = new NpgsqlCommand($"INSERT INTO lineage_log({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7)", conn, tx);
            insert.Parameters.AddWithValue(seq);
            insert.Parameters.AddWithValue(id);
            insert.Parameters.AddWithValue(upTo);
            insert.Parameters.AddWithValue(root.ToString());
            insert.Parameters.AddWithValue(head.Value.ToString());
            insert.Parameters.AddWithValue(at.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue(late);
            await insert.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        return (seq, head!.Value);
    }

    /// <summary>Seals, once, every run recorded before the lineage log existed, marking the entries late.</summary>
    public static async Task<(long Seq, Digest Head)?> SealExistingAsync(NpgsqlConnection conn, NpgsqlTransaction tx, DateTimeOffset now, CancellationToken ct)
    {
        await PostgresDatabase.LockAsync(conn, tx, PostgresLineageStore.AppendLock, ct).ConfigureAwait(false);
        var runs = new List<long>();
        await using (var cmd = new NpgsqlCommand("SELECT id FROM lineage_nodes WHERE type = 'run' AND id NOT IN (SELECT node_id FROM lineage_log) ORDER BY id", conn, tx))
        await using (var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false))
            while (await r.ReadAsync(ct).ConfigureAwait(false)) runs.Add(r.GetInt64(0));
        if (runs.Count == 0) return null;
        await using var max = new NpgsqlCommand("SELECT MAX(id) FROM lineage_nodes", conn, tx);
        var upTo = (long)(await max.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
        return await SealAsync(conn, tx, runs, upTo, now, late: true, ct).ConfigureAwait(false);
    }

    internal static LineageSeal Read(NpgsqlDataReader r) => new(
        r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), Digest.Parse(r.GetString(3)), Digest.Parse(r.GetString(4)),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)), r.GetBoolean(6));
}
