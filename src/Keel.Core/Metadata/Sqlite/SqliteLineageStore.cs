using System.Runtime.CompilerServices;
using Keel.Lineage;
using Keel.Objects;
using Microsoft.Data.Sqlite;

namespace Keel.Metadata.Sqlite;

internal sealed class SqliteLineageStore(SqliteDatabase db) : ILineageStore, ILineageStructureSource
{
    internal const string NodeColumns = "id, type, kind, label, digest, run_id, created_at, attributes";

    public Task<IReadOnlyList<long>> AppendAsync(IReadOnlyList<NewLineageNode> nodes, CancellationToken cancellationToken) =>
        AppendBatchAsync(nodes, cancellationToken);

    public Task<IReadOnlyList<long>> AppendBatchAsync(IReadOnlyList<NewLineageNode> nodes, CancellationToken cancellationToken)
    {
        var ids = db.Write(tx => Append(tx, nodes));
        return Task.FromResult(ids);
    }

    /// <summary>Appends inside a caller's transaction, so a run's records and its lineage commit together.</summary>
    internal IReadOnlyList<long> Append(SqliteTransaction tx, IReadOnlyList<NewLineageNode> nodes)
    {
        var ids = new List<long>(nodes.Count);
        using var insertNode = db.Command(
            "INSERT INTO lineage_nodes(type, kind, label, digest, run_id, created_at, attributes) VALUES ($t, $k, $l, $d, $r, $c, $a) RETURNING id", tx);
        var pt = insertNode.Parameters.Add("$t", SqliteType.Text);
        var pk = insertNode.Parameters.Add("$k", SqliteType.Text);
        var pl = insertNode.Parameters.Add("$l", SqliteType.Text);
        var pd = insertNode.Parameters.Add("$d", SqliteType.Text);
        var pr = insertNode.Parameters.Add("$r", SqliteType.Text);
        var pc = insertNode.Parameters.Add("$c", SqliteType.Integer);
        var pa = insertNode.Parameters.Add("$a", SqliteType.Text);
        using var insertEdge = db.Command("INSERT INTO lineage_edges(src, dst, relation, role) VALUES ($s, $d, $r, $o)", tx);
        var es = insertEdge.Parameters.Add("$s", SqliteType.Integer);
        var ed = insertEdge.Parameters.Add("$d", SqliteType.Integer);
        var er = insertEdge.Parameters.Add("$r", SqliteType.Text);
        var eo = insertEdge.Parameters.Add("$o", SqliteType.Text);
        foreach (var node in nodes)
        {
            pt.Value = TypeName(node.Type);
            pk.Value = node.Kind;
            pl.Value = node.Label;
            pd.Value = node.Digest is { } d ? d.ToString() : DBNull.Value;
            pr.Value = (object?)node.RunId ?? DBNull.Value;
            pc.Value = node.CreatedAt.ToUnixTimeMilliseconds();
            pa.Value = (object?)node.Attributes ?? DBNull.Value;
            var id = (long)insertNode.ExecuteScalar()!;
            foreach (var edge in node.Incoming)
            {
                var from = edge.From < 0 ? ids[(int)(-edge.From - 1)] : edge.From;
                if (from >= id) throw new InvalidOperationException($"lineage edge {from} -> {id} would break the topological order");
                es.Value = from;
                ed.Value = id;
                er.Value = RelationName(edge.Relation);
                eo.Value = (object?)edge.Role ?? DBNull.Value;
                insertEdge.ExecuteNonQuery();
            }
            ids.Add(id);
        }
        // Every run is sealed in the transaction that records it, whichever path records it.
        var runs = new List<long>();
        for (var i = 0; i < nodes.Count; i++)
            if (nodes[i].Type == NodeType.Run) runs.Add(ids[i]);
        if (runs.Count > 0) db.Sealed(SqliteLineageSeals.Seal(db, tx, runs, ids[^1], null, late: false));
        return ids;
    }

    public Task<LineageNode?> GetAsync(long id, CancellationToken cancellationToken)
    {
        using var cmd = db.Command($"SELECT {NodeColumns} FROM lineage_nodes WHERE id = $id");
        cmd.Parameters.AddWithValue("$id", id);
        using var r = cmd.ExecuteReader();
        return Task.FromResult(r.Read() ? ReadNode(r) : null);
    }

    public Task<IReadOnlyList<LineageNode>> FindByLabelAsync(string label, CancellationToken cancellationToken)
    {
        using var cmd = db.Command($"SELECT {NodeColumns} FROM lineage_nodes WHERE label = $l ORDER BY id");
        cmd.Parameters.AddWithValue("$l", label);
        using var r = cmd.ExecuteReader();
        var list = new List<LineageNode>();
        while (r.Read()) list.Add(ReadNode(r));
        return Task.FromResult<IReadOnlyList<LineageNode>>(list);
    }

    public async IAsyncEnumerable<LineageNode> NodesAfterAsync(long afterId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var cmd = db.Command($"SELECT {NodeColumns} FROM lineage_nodes WHERE id > $id ORDER BY id");
        cmd.Parameters.AddWithValue("$id", afterId);
        using var r = cmd.ExecuteReader();
        while (r.Read()) yield return ReadNode(r);
        await Task.CompletedTask.ConfigureAwait(false);
    }

    public async IAsyncEnumerable<LineageEdge> EdgesAfterAsync(long afterId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var cmd = db.Command("SELECT src, dst, relation, role FROM lineage_edges WHERE dst > $id ORDER BY dst");
        cmd.Parameters.AddWithValue("$id", afterId);
        using var r = cmd.ExecuteReader();
        while (r.Read())
            yield return new LineageEdge(r.GetInt64(0), r.GetInt64(1), ParseRelation(r.GetString(2)), r.IsDBNull(3) ? null : r.GetString(3));
        await Task.CompletedTask.ConfigureAwait(false);
    }

    public Task<long> MaxIdAsync(CancellationToken cancellationToken)
    {
        using var cmd = db.Command("SELECT COALESCE(MAX(id), 0) FROM lineage_nodes");
        return Task.FromResult((long)cmd.ExecuteScalar()!);
    }

    internal static LineageNode ReadNode(SqliteDataReader r) => new(
        r.GetInt64(0),
        r.GetString(1) switch { "artifact" => NodeType.Artifact, "run" => NodeType.Run, _ => NodeType.Agent },
        r.GetString(2),
        r.GetString(3),
        r.IsDBNull(4) ? null : Digest.Parse(r.GetString(4)),
        r.IsDBNull(5) ? null : r.GetString(5),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6)),
        r.IsDBNull(7) ? null : r.GetString(7));

    public void ScanNodes(long afterId, Action<long, NodeType, string, string, long> node, CancellationToken cancellationToken)
    {
        using var cmd = db.Command("SELECT id, type, kind, label, created_at FROM lineage_nodes WHERE id > $id ORDER BY id");
        cmd.Parameters.AddWithValue("$id", afterId);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var type = r.GetString(1) switch { "artifact" => NodeType.Artifact, "run" => NodeType.Run, _ => NodeType.Agent };
            node(r.GetInt64(0), type, r.GetString(2), r.GetString(3), r.GetInt64(4));
        }
        cancellationToken.ThrowIfCancellationRequested();
    }

    public void ScanEdges(long afterId, Action<long, long, Relation, string?> edge, CancellationToken cancellationToken)
    {
        // Table order, not dst order: the index sorts by counting, and a scan avoids the dst index's lookups.
        using var cmd = db.Command(
            "SELECT src, dst, CASE relation WHEN 'used' THEN 0 WHEN 'generated' THEN 1 WHEN 'derived' THEN 2 ELSE 3 END, role FROM lineage_edges WHERE $id = 0 OR dst > $id");
        cmd.Parameters.AddWithValue("$id", afterId);
        using var r = cmd.ExecuteReader();
        while (r.Read())
            edge(r.GetInt64(0), r.GetInt64(1), (Relation)r.GetInt32(2), r.IsDBNull(3) ? null : r.GetString(3));
        cancellationToken.ThrowIfCancellationRequested();
    }

    internal static string TypeName(NodeType t) => t switch
    {
        NodeType.Artifact => "artifact",
        NodeType.Run => "run",
        _ => "agent",
    };

    internal static string RelationName(Relation r) => r switch
    {
        Relation.Used => "used",
        Relation.Generated => "generated",
        Relation.Derived => "derived",
        _ => "associated",
    };

    internal static Relation ParseRelation(string s) => s switch
    {
        "used" => Relation.Used,
        "generated" => Relation.Generated,
        "derived" => Relation.Derived,
        _ => Relation.Associated,
    };
}
