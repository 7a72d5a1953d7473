using System.Runtime.CompilerServices;
using Keel.Lineage;
using Keel.Metadata.Sqlite;
using Keel.Objects;
using Npgsql;
using NpgsqlTypes;

namespace Keel.Postgres;

/// <summary>
/// The provenance graph in PostgreSQL. Ids come from a sequence taken under an advisory lock
/// held to commit, so ids are assigned in commit order: a reader that has seen id N never later
/// finds a node below N appear (the lineage index extends itself by "ids after N").
/// Large batches go through binary COPY.
/// </summary>
internal sealed class PostgresLineageStore(PostgresDatabase db) : ILineageStore
{
    internal const string NodeColumns = "id, type, kind, label, digest, run_id, created_at, attributes";
    internal const string AppendLock = "keel:lineage-append";
    private const int CopyThreshold = 32;

    public Task<IReadOnlyList<long>> AppendAsync(IReadOnlyList<NewLineageNode> nodes, CancellationToken cancellationToken) =>
        AppendBatchAsync(nodes, cancellationToken);

    public Task<IReadOnlyList<long>> AppendBatchAsync(IReadOnlyList<NewLineageNode> nodes, CancellationToken cancellationToken) =>
        db.WriteAsync((conn, tx) => AppendAsync(db, conn, tx, nodes, cancellationToken), cancellationToken);

    /// <summary>Appends inside a caller's transaction, so a record, its lineage and the seals of its runs commit together.</summary>
    internal static async Task<IReadOnlyList<long>> AppendAsync(PostgresDatabase db, NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<NewLineageNode> nodes, CancellationToken ct)
    {
        if (nodes.Count == 0) return [];
        await PostgresDatabase.LockAsync(conn, tx, AppendLock, ct).ConfigureAwait(false);
        var ids = new long[nodes.Count];
        // One round trip for the whole range: safe because every append holds the lock above.
        await using (var seq = new NpgsqlCommand(
            "SELECT setval('lineage_ids', (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM lineage_ids) + $1)", conn, tx))
        {
            seq.Parameters.AddWithValue((long)nodes.Count);
            var last = (long)(await seq.ExecuteScalarAsync(ct).ConfigureAwait(false))!;
            for (var i = 0; i < ids.Length; i++) ids[i] = last - ids.Length + 1 + i;
        }
        var edges = new List<(long Src, long Dst, string Relation, string? Role)>();
        for (var i = 0; i < nodes.Count; i++)
        {
            foreach (var e in nodes[i].Incoming)
            {
                var from = e.From < 0 ? ids[(int)(-e.From - 1)] : e.From;
                if (from >= ids[i]) throw new InvalidOperationException($"lineage edge {from} -> {ids[i]} would break the topological order");
                edges.Add((from, ids[i], SqliteLineageStore.RelationName(e.Relation), e.Role));
            }
        }
        if (nodes.Count >= CopyThreshold) await CopyAsync(conn, nodes, ids, edges, ct).ConfigureAwait(false);
        else await InsertAsync(conn, tx, nodes, ids, edges, ct).ConfigureAwait(false);
        // Every run is sealed in the transaction that records it, under the append lock taken above.
        var runs = new List<long>();
        for (var i = 0; i < nodes.Count; i++)
            if (nodes[i].Type == NodeType.Run) runs.Add(ids[i]);
        if (runs.Count > 0) db.Sealed(tx, await PostgresLineageSeals.SealAsync(conn, tx, runs, ids[^1], null, late: false, ct).ConfigureAwait(false));
        return ids;
    }

    private static async Task CopyAsync(NpgsqlConnection conn, IReadOnlyList<NewLineageNode> nodes, long[] ids, List<(long, long, string, string?)> edges, CancellationToken ct)
    {
        await using (var w = await conn.BeginBinaryImportAsync($"COPY lineage_nodes({NodeColumns}) FROM STDIN (FORMAT BINARY)", ct).ConfigureAwait(false))
        {
            for (var i = 0; i < nodes.Count; i++)
            {
                var n = nodes[i];
                w.StartRow();
                w.Write(ids[i], NpgsqlDbType.Bigint);
                w.Write(SqliteLineageStore.TypeName(n.Type), NpgsqlDbType.Text);
                w.Write(n.Kind, NpgsqlDbType.Text);
                w.Write(n.Label, NpgsqlDbType.Text);
                WriteNullable(w, n.Digest?.ToString());
                WriteNullable(w, n.RunId);
                w.Write(n.CreatedAt.ToUnixTimeMilliseconds(), NpgsqlDbType.Bigint);
                WriteNullable(w, n.Attributes);
            }
            await w.CompleteAsync(ct).ConfigureAwait(false);
        }
        if (edges.Count == 0) return;
        await using var e = await conn.BeginBinaryImportAsync("COPY lineage_edges(src, dst, relation, role) FROM STDIN (FORMAT BINARY)", ct).ConfigureAwait(false);
        foreach (var (src, dst, rel, role) in edges)
        {
            e.StartRow();
            e.Write(src, NpgsqlDbType.Bigint);
            e.Write(dst, NpgsqlDbType.Bigint);
            e.Write(rel, NpgsqlDbType.Text);
            WriteNullable(e, role);
        }
        await e.CompleteAsync(ct).ConfigureAwait(false);
    }

    // Rows are buffered in memory by the importer: synchronous writes avoid an async state machine per column.
    private static void WriteNullable(NpgsqlBinaryImporter w, string? value)
    {
        if (value is null) w.WriteNull();
        else w.Write(value, NpgsqlDbType.Text);
    }

    private static async Task InsertAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<NewLineageNode> nodes, long[] ids, List<(long Src, long Dst, string Rel, string? Role)> edges, CancellationToken ct)
    {
        var batch = new NpgsqlBatch(conn, tx);
        await using (batch.ConfigureAwait(false))
        {
            for (var i = 0; i < nodes.Count; i++)
            {
                var n = nodes[i];
                var c = new NpgsqlBatchCommand($"INSERT INTO lineage_nodes({NodeColumns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");
                c.Parameters.Add(new NpgsqlParameter<long> { TypedValue = ids[i] });
                c.Parameters.Add(new NpgsqlParameter<string> { TypedValue = SqliteLineageStore.TypeName(n.Type) });
                c.Parameters.Add(new NpgsqlParameter<string> { TypedValue = n.Kind });
                c.Parameters.Add(new NpgsqlParameter<string> { TypedValue = n.Label });
                c.Parameters.Add(Text(n.Digest?.ToString()));
                c.Parameters.Add(Text(n.RunId));
                c.Parameters.Add(new NpgsqlParameter<long> { TypedValue = n.CreatedAt.ToUnixTimeMilliseconds() });
                c.Parameters.Add(Text(n.Attributes));
                batch.BatchCommands.Add(c);
            }
            foreach (var (src, dst, rel, role) in edges)
            {
                var c = new NpgsqlBatchCommand("INSERT INTO lineage_edges(src, dst, relation, role) VALUES ($1, $2, $3, $4)");
                c.Parameters.Add(new NpgsqlParameter<long> { TypedValue = src });
                c.Parameters.Add(new NpgsqlParameter<long> { TypedValue = dst });
                c.Parameters.Add(new NpgsqlParameter<string> { TypedValue = rel });
                c.Parameters.Add(Text(role));
                batch.BatchCommands.Add(c);
            }
            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
    }

    internal static NpgsqlParameter Text(string? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    public Task<LineageNode?> GetAsync(long id, CancellationToken cancellationToken) =>
        db.ReadAsync(async conn =>
        {
            var list = await QueryNodesAsync(conn, $"SELECT {NodeColumns} FROM lineage_nodes WHERE id = $1", [id], cancellationToken).ConfigureAwait(false);
            return list.Count == 0 ? null : list[0];
        }, cancellationToken);

    public Task<IReadOnlyList<LineageNode>> FindByLabelAsync(string label, CancellationToken cancellationToken) =>
        db.ReadAsync(conn => QueryNodesAsync(conn, $"SELECT {NodeColumns} FROM lineage_nodes WHERE label = $1 ORDER BY id", [label], cancellationToken), cancellationToken);

    public async IAsyncEnumerable<LineageNode> NodesAfterAsync(long afterId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand($"SELECT {NodeColumns} FROM lineage_nodes WHERE id > $1 ORDER BY id", conn);
        cmd.Parameters.AddWithValue(afterId);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false)) yield return ReadNode(r);
    }

    public async IAsyncEnumerable<LineageEdge> EdgesAfterAsync(long afterId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand("SELECT src, dst, relation, role FROM lineage_edges WHERE dst > $1 ORDER BY dst", conn);
        cmd.Parameters.AddWithValue(afterId);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false)) yield return ReadEdge(r);
    }

    public Task<long> MaxIdAsync(CancellationToken cancellationToken) =>
        db.ReadAsync(async conn =>
        {
            await using var cmd = new NpgsqlCommand("SELECT COALESCE(MAX(id), 0) FROM lineage_nodes", conn);
            return (long)(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }, cancellationToken);

    internal static Task<IReadOnlyList<LineageNode>> QueryNodesAsync(NpgsqlConnection conn, string sql, object[] args, CancellationToken ct) =>
        QueryNodesAsync(conn, null, sql, args, ct);

    internal static async Task<IReadOnlyList<LineageNode>> QueryNodesAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string sql, object[] args, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
        var list = new List<LineageNode>();
        while (await r.ReadAsync(ct).ConfigureAwait(false)) list.Add(ReadNode(r));
        return list;
    }

    internal static LineageNode ReadNode(NpgsqlDataReader r) => new(
        r.GetInt64(0),
        r.GetString(1) switch { "artifact" => NodeType.Artifact, "run" => NodeType.Run, _ => NodeType.Agent },
        r.GetString(2),
        r.GetString(3),
        r.IsDBNull(4) ? null : Digest.Parse(r.GetString(4)),
        r.IsDBNull(5) ? null : r.GetString(5),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6)),
        r.IsDBNull(7) ? null : r.GetString(7));

    internal static LineageEdge ReadEdge(NpgsqlDataReader r) =>
        new(r.GetInt64(0), r.GetInt64(1), SqliteLineageStore.ParseRelation(r.GetString(2)), r.IsDBNull(3) ? null : r.GetString(3));
}
