using Keel.Lineage;
using Keel.Objects;
using Npgsql;

namespace Keel.Postgres;

internal sealed class PostgresLineageCatalog(PostgresDatabase db) : ILineageCatalog
{
    private const string Nodes = $"SELECT {PostgresLineageStore.NodeColumns} FROM lineage_nodes";

    public Task<IReadOnlyList<LineageNode>> GetManyAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken) =>
        db.ReadAsync(conn => PostgresLineageStore.QueryNodesAsync(conn, $"{Nodes} WHERE id = ANY($1) ORDER BY id", [ids.Distinct().ToArray()], cancellationToken), cancellationToken);

    public Task<IReadOnlyList<LineageEdge>> EdgesIntoAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<LineageEdge>>(async conn =>
        {
            await using var cmd = new NpgsqlCommand("SELECT src, dst, relation, role FROM lineage_edges WHERE dst = ANY($1) ORDER BY dst, src", conn);
            cmd.Parameters.AddWithValue(ids.Distinct().ToArray());
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var list = new List<LineageEdge>();
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false)) list.Add(PostgresLineageStore.ReadEdge(r));
            return list;
        }, cancellationToken);

    public Task<IReadOnlyList<LineageNode>> FindByRunIdPrefixAsync(string prefix, CancellationToken cancellationToken) =>
        db.ReadAsync(conn => PostgresLineageStore.QueryNodesAsync(conn, $"{Nodes} WHERE type = 'run' AND starts_with(run_id, $1) ORDER BY id", [prefix], cancellationToken), cancellationToken);

    public Task<IReadOnlyList<LineageNode>> FindByDigestAsync(Digest digest, CancellationToken cancellationToken) =>
        db.ReadAsync(conn => PostgresLineageStore.QueryNodesAsync(conn, $"{Nodes} WHERE digest = $1 ORDER BY id", [digest.ToString()], cancellationToken), cancellationToken);

    public Task<IReadOnlyList<LineageNode>> FindVersionsAsync(string name, CancellationToken cancellationToken) =>
        db.ReadAsync(conn => PostgresLineageStore.QueryNodesAsync(conn,
            $"{Nodes} WHERE type = 'artifact' AND starts_with(label, $1) ORDER BY id", [name + "@"], cancellationToken), cancellationToken);

    public async IAsyncEnumerable<SealLogEntry> SealLogAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var conn = await db.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var cmd = new NpgsqlCommand("""
            SELECT l.seq, l.node_id, l.upto, l.root, l.head, l.sealed_at, l.late, n.id IS NOT NULL
            FROM lineage_log l LEFT JOIN lineage_nodes n ON n.id = l.node_id AND n.type = 'run'
            ORDER BY l.seq
            """, conn);
        await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            yield return new SealLogEntry(PostgresLineageSeals.Read(r), r.GetBoolean(7));
    }

    public Task<int?> AliasVersionAsync(string name, string alias, DateTimeOffset? asOf, CancellationToken cancellationToken) =>
        db.ReadAsync(async conn =>
        {
            await using var cmd = new NpgsqlCommand("SELECT version FROM aliases WHERE name = $1 AND alias = $2 AND set_at <= $3 ORDER BY set_at DESC, seq DESC LIMIT 1", conn);
            cmd.Parameters.AddWithValue(name);
            cmd.Parameters.AddWithValue(alias);
            cmd.Parameters.AddWithValue(asOf?.ToUnixTimeMilliseconds() ?? long.MaxValue);
            return await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is int v ? v : (int?)null;
        }, cancellationToken);

    public Task SetAliasAsync(string name, string alias, int version, DateTimeOffset setAt, CancellationToken cancellationToken) =>
        db.WriteAsync((conn, tx) => PostgresModelRegistry.InsertAliasAsync(conn, tx, name, alias, version, setAt, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<string>> AliasesOfAsync(string name, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<string>>(async conn =>
        {
            await using var cmd = new NpgsqlCommand("SELECT DISTINCT alias COLLATE \"C\" FROM aliases WHERE name = $1 ORDER BY 1", conn);
            cmd.Parameters.AddWithValue(name);
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var list = new List<string>();
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false)) list.Add(r.GetString(0));
            return list;
        }, cancellationToken);
}
