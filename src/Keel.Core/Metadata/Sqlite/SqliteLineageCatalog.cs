using System.Globalization;
using System.Text;
using Keel.Lineage;
using Keel.Objects;

namespace Keel.Metadata.Sqlite;

internal sealed class SqliteLineageCatalog(SqliteDatabase db) : ILineageCatalog
{
    private const int Chunk = 500;

    public Task<IReadOnlyList<LineageNode>> GetManyAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        var list = new List<LineageNode>(ids.Count);
        foreach (var chunk in ids.Distinct().Order().Chunk(Chunk))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var cmd = db.Command($"SELECT {SqliteLineageStore.NodeColumns} FROM lineage_nodes WHERE id IN ({InList(chunk)}) ORDER BY id");
            using var r = cmd.ExecuteReader();
            while (r.Read()) list.Add(SqliteLineageStore.ReadNode(r));
        }
        return Task.FromResult<IReadOnlyList<LineageNode>>(list);
    }

    public Task<IReadOnlyList<LineageEdge>> EdgesIntoAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        var list = new List<LineageEdge>();
        foreach (var chunk in ids.Distinct().Order().Chunk(Chunk))
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var cmd = db.Command($"SELECT src, dst, relation, role FROM lineage_edges WHERE dst IN ({InList(chunk)}) ORDER BY dst, src");
            using var r = cmd.ExecuteReader();
            while (r.Read())
                list.Add(new LineageEdge(r.GetInt64(0), r.GetInt64(1), SqliteLineageStore.ParseRelation(r.GetString(2)), r.IsDBNull(3) ? null : r.GetString(3)));
        }
        return Task.FromResult<IReadOnlyList<LineageEdge>>(list);
    }

    public Task<IReadOnlyList<LineageNode>> FindByRunIdPrefixAsync(string prefix, CancellationToken cancellationToken) =>
        Nodes("type = 'run' AND run_id >= $p AND run_id < $q", ("$p", prefix), ("$q", prefix + "\uffff"));

    public Task<IReadOnlyList<LineageNode>> FindByDigestAsync(Digest digest, CancellationToken cancellationToken) =>
        Nodes("digest = $d", ("$d", digest.ToString()));

    public Task<IReadOnlyList<LineageNode>> FindVersionsAsync(string name, CancellationToken cancellationToken) =>
        Nodes("type = 'artifact' AND label >= $p AND label < $q", ("$p", name + "@"), ("$q", name + "A"));

    public async IAsyncEnumerable<SealLogEntry> SealLogAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var cmd = db.Command("""
            SELECT l.seq, l.node_id, l.upto, l.root, l.head, l.sealed_at, l.late, n.id IS NOT NULL
            FROM lineage_log l LEFT JOIN lineage_nodes n ON n.id = l.node_id AND n.type = 'run'
            ORDER BY l.seq
            """);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return new SealLogEntry(SqliteLineageSeals.Read(r), r.GetInt64(7) != 0);
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }

    public Task<int?> AliasVersionAsync(string name, string alias, DateTimeOffset? asOf, CancellationToken cancellationToken)
    {
        using var cmd = db.Command("SELECT version FROM aliases WHERE name = $n AND alias = $a AND set_at <= $t ORDER BY set_at DESC, rowid DESC LIMIT 1");
        cmd.Parameters.AddWithValue("$n", name);
        cmd.Parameters.AddWithValue("$a", alias);
        cmd.Parameters.AddWithValue("$t", asOf?.ToUnixTimeMilliseconds() ?? long.MaxValue);
        var v = cmd.ExecuteScalar();
        return Task.FromResult(v is null or DBNull ? null : (int?)Convert.ToInt32(v, CultureInfo.InvariantCulture));
    }

    public Task SetAliasAsync(string name, string alias, int version, DateTimeOffset setAt, CancellationToken cancellationToken)
    {
        db.Write(tx => SqliteModelRegistry.InsertAlias(db, tx, name, alias, version, setAt));
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> AliasesOfAsync(string name, CancellationToken cancellationToken)
    {
        using var cmd = db.Command("SELECT DISTINCT alias FROM aliases WHERE name = $n ORDER BY alias");
        cmd.Parameters.AddWithValue("$n", name);
        using var r = cmd.ExecuteReader();
        var list = new List<string>();
        while (r.Read()) list.Add(r.GetString(0));
        return Task.FromResult<IReadOnlyList<string>>(list);
    }

    private Task<IReadOnlyList<LineageNode>> Nodes(string where, params (string Name, string Value)[] args)
    {
        using var cmd = db.Command($"SELECT {SqliteLineageStore.NodeColumns} FROM lineage_nodes WHERE {where} ORDER BY id");
        foreach (var (n, v) in args) cmd.Parameters.AddWithValue(n, v);
        using var r = cmd.ExecuteReader();
        var list = new List<LineageNode>();
        while (r.Read()) list.Add(SqliteLineageStore.ReadNode(r));
        return Task.FromResult<IReadOnlyList<LineageNode>>(list);
    }

    private static string InList(long[] ids)
    {
        var sb = new StringBuilder(ids.Length * 8);
        for (var i = 0; i < ids.Length; i++)
        {
            if (i > 0) sb.Append(',');
            sb.Append(ids[i].ToString(CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }
}
