using System.Globalization;
using System.Text.Json;
using Keel.Lineage;
using Keel.Objects;
using Keel.Registry;
using Microsoft.Data.Sqlite;

namespace Keel.Metadata.Sqlite;

internal sealed class SqliteModelRegistry(SqliteDatabase db, SqliteLineageStore lineage) : IModelRegistry
{
    private const string Columns = "name, version, flavor, digest, canonical_digest, signature, card, source, training_digest, node_id, created_at, user_name, host";
    private const string DeployColumns = "id, run_id, action, name, alias, version, previous_version, canary_percent, package, node_id, created_at";

    public Task<ModelVersion> RegisterAsync(NewModelVersion v, CancellationToken cancellationToken)
    {
        var created = db.Write(tx =>
        {
            int next;
            using (var max = db.Command("SELECT COALESCE(MAX(version), 0) + 1 FROM model_versions WHERE name = $n", tx))
            {
                max.Parameters.AddWithValue("$n", v.Name);
                next = Convert.ToInt32(max.ExecuteScalar(), CultureInfo.InvariantCulture);
            }
            var attributes = JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["flavor"] = v.Flavor,
                ["canonical_digest"] = v.CanonicalDigest.ToString(),
                ["source"] = v.Source,
                ["training_data"] = v.TrainingData?.ToString(),
                ["user"] = v.User,
                ["host"] = v.Host,
            });
            IReadOnlyList<LineageEdgeFrom> incoming = v.DerivedFrom is { } from ? [new LineageEdgeFrom(from, Relation.Derived, "registered")] : [];
            var nodeId = lineage.Append(tx, [new NewLineageNode(NodeType.Artifact, "model", $"{v.Name}@{next}", v.Digest, null, v.CreatedAt, attributes, incoming)])[0];
            using var insert = db.Command($"INSERT INTO model_versions({Columns}) VALUES ($n, $v, $f, $d, $c, $s, $k, $o, $t, $id, $at, $u, $h)", tx);
            insert.Parameters.AddWithValue("$n", v.Name);
            insert.Parameters.AddWithValue("$v", next);
            insert.Parameters.AddWithValue("$f", v.Flavor);
            insert.Parameters.AddWithValue("$d", v.Digest.ToString());
            insert.Parameters.AddWithValue("$c", v.CanonicalDigest.ToString());
            insert.Parameters.AddWithValue("$s", RegistryJson.Serialize(v.Signature));
            insert.Parameters.AddWithValue("$k", RegistryJson.Serialize(v.Card));
            insert.Parameters.AddWithValue("$o", v.Source);
            insert.Parameters.AddWithValue("$t", v.TrainingData is { } td ? td.ToString() : DBNull.Value);
            insert.Parameters.AddWithValue("$id", nodeId);
            insert.Parameters.AddWithValue("$at", v.CreatedAt.ToUnixTimeMilliseconds());
            insert.Parameters.AddWithValue("$u", v.User);
            insert.Parameters.AddWithValue("$h", v.Host);
            insert.ExecuteNonQuery();
            return new ModelVersion(v.Name, next, v.Flavor, v.Digest, v.CanonicalDigest, v.Signature, v.Card, v.Source, v.TrainingData, nodeId, v.CreatedAt, v.User, v.Host);
        });
        return Task.FromResult(created);
    }

    public Task<ModelVersion?> GetAsync(string name, int? version, CancellationToken cancellationToken)
    {
        var list = version is null
            ? Versions($"SELECT {Columns} FROM model_versions WHERE name = $n ORDER BY version DESC LIMIT 1", ("$n", name))
            : Versions($"SELECT {Columns} FROM model_versions WHERE name = $n AND version = $v", ("$n", name), ("$v", version.Value));
        return Task.FromResult(list.Count == 0 ? null : list[0]);
    }

    public Task<IReadOnlyList<ModelVersion>> ListLatestAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ModelVersion>>(Versions($"""
            SELECT {Columns} FROM model_versions m
            WHERE version = (SELECT MAX(version) FROM model_versions w WHERE w.name = m.name) ORDER BY name
            """));

    public Task<IReadOnlyList<ModelVersion>> VersionsAsync(string name, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ModelVersion>>(Versions($"SELECT {Columns} FROM model_versions WHERE name = $n ORDER BY version", ("$n", name)));

    public Task<IReadOnlyList<AliasEntry>> AliasHistoryAsync(string name, CancellationToken cancellationToken)
    {
        using var cmd = db.Command("SELECT name, alias, version, set_at FROM aliases WHERE name = $n ORDER BY set_at, rowid");
        cmd.Parameters.AddWithValue("$n", name);
        using var r = cmd.ExecuteReader();
        var list = new List<AliasEntry>();
        while (r.Read()) list.Add(new AliasEntry(r.GetString(0), r.GetString(1), r.GetInt32(2), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3))));
        return Task.FromResult<IReadOnlyList<AliasEntry>>(list);
    }

    // Aliases live in one table that the lineage catalog also resolves: one query for both.
    public Task<int?> AliasVersionAsync(string name, string alias, DateTimeOffset? asOf, CancellationToken cancellationToken) =>
        new SqliteLineageCatalog(db).AliasVersionAsync(name, alias, asOf, cancellationToken);

    public Task SetAliasAsync(string name, string alias, int version, DateTimeOffset setAt, CancellationToken cancellationToken)
    {
        db.Write(tx => InsertAlias(db, tx, name, alias, version, setAt));
        return Task.CompletedTask;
    }

    public Task<Deployment> RecordDeploymentAsync(NewDeployment d, IReadOnlyList<NewLineageNode> nodes, CancellationToken cancellationToken)
    {
        var recorded = db.Write(tx =>
        {
            var ids = lineage.Append(tx, nodes);
            var deployIndex = nodes.Select((n, i) => (n, i)).FirstOrDefault(x => x.n.Type == NodeType.Run && x.n.Kind == "deploy", (null!, -1)).Item2;
            var nodeId = deployIndex >= 0 ? ids[deployIndex] : 0;
            if (d.CanaryPercent <= 0) InsertAlias(db, tx, d.Name, d.Alias, d.Version, d.CreatedAt);
            using var insert = db.Command(
                "INSERT INTO deployments(run_id, action, name, alias, version, previous_version, canary_percent, package, node_id, created_at) VALUES ($r, $a, $n, $l, $v, $p, $c, $k, $id, $t) RETURNING id", tx);
            insert.Parameters.AddWithValue("$r", d.RunId);
            insert.Parameters.AddWithValue("$a", d.Action);
            insert.Parameters.AddWithValue("$n", d.Name);
            insert.Parameters.AddWithValue("$l", d.Alias);
            insert.Parameters.AddWithValue("$v", d.Version);
            insert.Parameters.AddWithValue("$p", (object?)d.PreviousVersion ?? DBNull.Value);
            insert.Parameters.AddWithValue("$c", d.CanaryPercent);
            insert.Parameters.AddWithValue("$k", d.Package is { } p ? p.ToString() : DBNull.Value);
            insert.Parameters.AddWithValue("$id", nodeId);
            insert.Parameters.AddWithValue("$t", d.CreatedAt.ToUnixTimeMilliseconds());
            var id = (long)insert.ExecuteScalar()!;
            return new Deployment(id, d.RunId, d.Action, d.Name, d.Alias, d.Version, d.PreviousVersion, d.CanaryPercent, d.Package, nodeId, d.CreatedAt);
        });
        return Task.FromResult(recorded);
    }

    public Task<IReadOnlyList<Deployment>> DeploymentsAsync(string name, CancellationToken cancellationToken)
    {
        using var cmd = db.Command($"SELECT {DeployColumns} FROM deployments WHERE name = $n ORDER BY id");
        cmd.Parameters.AddWithValue("$n", name);
        using var r = cmd.ExecuteReader();
        var list = new List<Deployment>();
        while (r.Read())
        {
            list.Add(new Deployment(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt32(5),
                r.IsDBNull(6) ? null : r.GetInt32(6), r.GetDouble(7), r.IsDBNull(8) ? null : Digest.Parse(r.GetString(8)),
                r.GetInt64(9), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(10))));
        }
        return Task.FromResult<IReadOnlyList<Deployment>>(list);
    }

    public Task AddFeedbackAsync(IReadOnlyList<FeedbackLabel> labels, CancellationToken cancellationToken)
    {
        if (labels.Count == 0) return Task.CompletedTask;
        db.Write(tx =>
        {
            using var cmd = db.Command("INSERT INTO prediction_feedback(request_id, row, model, label, received_at, version, deployment_node) VALUES ($r, $w, $m, $l, $t, $v, $d)", tx);
            var pr = cmd.Parameters.Add("$r", SqliteType.Text);
            var pw = cmd.Parameters.Add("$w", SqliteType.Integer);
            var pm = cmd.Parameters.Add("$m", SqliteType.Text);
            var pl = cmd.Parameters.Add("$l", SqliteType.Text);
            var pt = cmd.Parameters.Add("$t", SqliteType.Integer);
            var pv = cmd.Parameters.Add("$v", SqliteType.Integer);
            var pd = cmd.Parameters.Add("$d", SqliteType.Integer);
            foreach (var l in labels)
            {
                pr.Value = l.RequestId;
                pw.Value = l.Row;
                pm.Value = l.Model;
                pl.Value = l.Label;
                pt.Value = l.ReceivedAt.ToUnixTimeMilliseconds();
                pv.Value = (object?)l.Version ?? DBNull.Value;
                pd.Value = (object?)l.DeploymentNode ?? DBNull.Value;
                cmd.ExecuteNonQuery();
            }
            return 0;
        });
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<FeedbackLabel>> FeedbackAsync(string model, CancellationToken cancellationToken)
    {
        using var cmd = db.Command("SELECT request_id, row, model, label, received_at, version, deployment_node FROM prediction_feedback WHERE model = $m ORDER BY rowid");
        cmd.Parameters.AddWithValue("$m", model);
        using var r = cmd.ExecuteReader();
        var list = new List<FeedbackLabel>();
        while (r.Read())
        {
            list.Add(new FeedbackLabel(r.GetString(0), r.GetInt32(1), r.GetString(2), r.GetString(3), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)),
                r.IsDBNull(5) ? null : r.GetInt32(5), r.IsDBNull(6) ? null : r.GetInt64(6)));
        }
        return Task.FromResult<IReadOnlyList<FeedbackLabel>>(list);
    }

    internal static int InsertAlias(SqliteDatabase db, SqliteTransaction tx, string name, string alias, int version, DateTimeOffset at)
    {
        using var cmd = db.Command("INSERT INTO aliases(name, alias, version, set_at) VALUES ($n, $a, $v, $t)", tx);
        cmd.Parameters.AddWithValue("$n", name);
        cmd.Parameters.AddWithValue("$a", alias);
        cmd.Parameters.AddWithValue("$v", version);
        cmd.Parameters.AddWithValue("$t", at.ToUnixTimeMilliseconds());
        return cmd.ExecuteNonQuery();
    }

    private List<ModelVersion> Versions(string sql, params (string Name, object Value)[] args)
    {
        using var cmd = db.Command(sql);
        foreach (var (n, value) in args) cmd.Parameters.AddWithValue(n, value);
        using var r = cmd.ExecuteReader();
        var list = new List<ModelVersion>();
        while (r.Read())
        {
            list.Add(new ModelVersion(
                r.GetString(0), r.GetInt32(1), r.GetString(2), Digest.Parse(r.GetString(3)), Digest.Parse(r.GetString(4)),
                RegistryJson.Deserialize<ModelSignature>(r.GetString(5)), RegistryJson.Deserialize<ModelCard>(r.GetString(6)),
                r.GetString(7), r.IsDBNull(8) ? null : Digest.Parse(r.GetString(8)), r.GetInt64(9),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(10)), r.GetString(11), r.GetString(12)));
        }
        return list;
    }
}
