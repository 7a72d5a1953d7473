using Keel.Lineage;
using Keel.Objects;
using Microsoft.Data.Sqlite;

namespace Keel.Metadata.Sqlite;

/// <summary>
/// Appends runs to the lineage log inside the transaction that records them: each entry holds the
/// run's lineage root, computed from the rows just written, and the running head. The caller's
/// <c>BEGIN IMMEDIATE</c> serialises appends, so concurrent writers extend one chain.
/// </summary>
internal static class SqliteLineageSeals
{
    internal const string Columns = "seq, node_id, upto, root, head, sealed_at, late";

    /// <summary>Seals <paramref name="runs"/> (ascending node ids) counting outputs up to <paramref name="upTo"/>; returns the new (seq, head), or null when there was nothing to seal.</summary>
    public static (long Seq, Digest Head)? Seal(SqliteDatabase db, SqliteTransaction tx, IReadOnlyList<long> runs, long upTo, DateTimeOffset? sealedAt, bool late)
    {
        if (runs.Count == 0) return null;
        long seq = 0;
        Digest? head = null;
        using (var last = db.Command("SELECT seq, head FROM lineage_log ORDER BY seq DESC LIMIT 1", tx))
        using (var r = last.ExecuteReader())
        {
            if (r.Read())
            {
                seq = r.GetInt64(0);
                head = Digest.Parse(r.GetString(1));
            }
        }
        using var node = db.Command($"SELECT {SqliteLineageStore.NodeColumns} FROM lineage_nodes WHERE id = $id", tx);
        var nodeId = node.Parameters.Add("$id", SqliteType.Integer);
        using var inputs = db.Command("""
            SELECT e.role, n.digest,
                   (SELECT l.root FROM lineage_edges g JOIN lineage_log l ON l.node_id = g.src
                    WHERE g.dst = e.src AND g.relation = 'generated' ORDER BY g.src LIMIT 1)
            FROM lineage_edges e JOIN lineage_nodes n ON n.id = e.src
            WHERE e.dst = $id AND e.relation = 'used'
            """, tx);
        var inputsOf = inputs.Parameters.Add("$id", SqliteType.Integer);
        using var outputs = db.Command("""
            SELECT e.role, n.digest FROM lineage_edges e JOIN lineage_nodes n ON n.id = e.dst
            WHERE e.src = $id AND e.relation = 'generated' AND e.dst <= $upto
            """, tx);
        var outputsOf = outputs.Parameters.Add("$id", SqliteType.Integer);
        outputs.Parameters.AddWithValue("$upto", upTo);
        using var insert = db.Command($"INSERT INTO lineage_log({Columns}) VALUES ($s, $n, $u, $r, $h, $t, $l)", tx);
        var ps = insert.Parameters.Add("$s", SqliteType.Integer);
        var pn = insert.Parameters.Add("$n", SqliteType.Integer);
        insert.Parameters.AddWithValue("$u", upTo);
        var pr = insert.Parameters.Add("$r", SqliteType.Text);
        var ph = insert.Parameters.Add("$h", SqliteType.Text);
        var pt = insert.Parameters.Add("$t", SqliteType.Integer);
        insert.Parameters.AddWithValue("$l", late ? 1 : 0);
        foreach (var id in runs)
        {
            nodeId.Value = id;
            LineageNode run;
            using (var r = node.ExecuteReader())
            {
                if (!r.Read()) throw new InvalidOperationException($"run node {id} vanished inside its own transaction");
                run = SqliteLineageStore.ReadNode(r);
            }
            inputsOf.Value = id;
            var ins = new List<RootInput>();
            using (var r = inputs.ExecuteReader())
            {
                while (r.Read())
                {
                    Digest? d = r.IsDBNull(1) ? null : Digest.Parse(r.GetString(1));
                    ins.Add(new RootInput(r.IsDBNull(0) ? null : r.GetString(0), d, r.IsDBNull(2) ? LineageRoots.RawRoot(d) : r.GetString(2)));
                }
            }
            outputsOf.Value = id;
            var outs = new List<RootOutput>();
            using (var r = outputs.ExecuteReader())
            {
                while (r.Read()) outs.Add(new RootOutput(r.IsDBNull(0) ? null : r.GetString(0), r.IsDBNull(1) ? null : Digest.Parse(r.GetString(1))));
            }
            var root = LineageRoots.Of(run, ins, outs);
            var at = sealedAt ?? run.CreatedAt;
            seq++;
            head = LineageSeal.NextHead(head, seq, id, upTo, root, at, late);
            ps.Value = seq;
            pn.Value = id;
            pr.Value = root.ToString();
            ph.Value = head.Value.ToString();
            pt.Value = at.ToUnixTimeMilliseconds();
            insert.ExecuteNonQuery();
        }
        return (seq, head!.Value);
    }

    /// <summary>Seals, once, every run recorded before the lineage log existed, marking the entries late.</summary>
    public static (long Seq, Digest Head)? SealExisting(SqliteDatabase db, SqliteTransaction tx, DateTimeOffset now)
    {
        var runs = new List<long>();
        using (var cmd = db.Command("SELECT id FROM lineage_nodes WHERE type = 'run' AND id NOT IN (SELECT node_id FROM lineage_log) ORDER BY id", tx))
        using (var r = cmd.ExecuteReader())
            while (r.Read()) runs.Add(r.GetInt64(0));
        if (runs.Count == 0) return null;
        using var max = db.Command("SELECT MAX(id) FROM lineage_nodes", tx);
        return Seal(db, tx, runs, (long)max.ExecuteScalar()!, now, late: true);
    }

    internal static LineageSeal Read(SqliteDataReader r, int at = 0) => new(
        r.GetInt64(at), r.GetInt64(at + 1), r.GetInt64(at + 2), Digest.Parse(r.GetString(at + 3)), Digest.Parse(r.GetString(at + 4)),
        DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(at + 5)), r.GetInt64(at + 6) != 0);
}
