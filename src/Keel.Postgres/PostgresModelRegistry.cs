using System.Text.Json;
using Keel.Lineage;
using Keel.Metadata;
using Keel.Objects;
using Keel.Registry;
using Npgsql;
using NpgsqlTypes;

namespace Keel.Postgres;

/// <summary>
/// The model registry in PostgreSQL. Registering takes a per-model advisory lock (as datasets do),
/// so concurrent registrations of one model get consecutive version numbers.
/// </summary>
internal sealed class PostgresModelRegistry(PostgresDatabase db) : IModelRegistry
{
    private const string Columns = "name, version, flavor, digest, canonical_digest, signature, card, source, training_digest, node_id, created_at, user_name, host";
    private const string DeployColumns = "id, run_id, action, name, alias, version, previous_version, canary_percent, package, node_id, created_at";

    public Task<ModelVersion> RegisterAsync(NewModelVersion v, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(v);
        return db.WriteAsync(async (conn, tx) =>
        {
            await PostgresDatabase.LockAsync(conn, tx, "keel:model:" + v.Name, cancellationToken).ConfigureAwait(false);
            int next;
            await using (var max = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) + 1 FROM model_versions WHERE name = $1", conn, tx))
            {
                max.Parameters.AddWithValue(v.Name);
                next = (int)(await max.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
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
            var nodeId = (await PostgresLineageStore.AppendAsync(db, conn, tx,
                [new NewLineageNode(NodeType.Artifact, "model", $"{v.Name}@{next}", v.Digest, null, v.CreatedAt, attributes, incoming)], cancellationToken).ConfigureAwait(false))[0];
            await using (var insert = new NpgsqlCommand($"INSERT INTO model_versions({Columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)", conn, tx))
            {
                var p = insert.Parameters;
                p.AddWithValue(v.Name);
                p.AddWithValue(next);
                p.AddWithValue(v.Flavor);
                p.AddWithValue(v.Digest.ToString());
                p.AddWithValue(v.CanonicalDigest.ToString());
                p.AddWithValue(RegistryJson.Serialize(v.Signature));
                p.AddWithValue(RegistryJson.Serialize(v.Card));
                p.AddWithValue(v.Source);
                p.Add(PostgresLineageStore.Text(v.TrainingData?.ToString()));
                p.AddWithValue(nodeId);
                p.AddWithValue(v.CreatedAt.ToUnixTimeMilliseconds());
                p.AddWithValue(v.User);
                p.AddWithValue(v.Host);
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            return new ModelVersion(v.Name, next, v.Flavor, v.Digest, v.CanonicalDigest, v.Signature, v.Card, v.Source, v.TrainingData, nodeId, v.CreatedAt, v.User, v.Host);
        }, cancellationToken);
    }

    public async Task<ModelVersion?> GetAsync(string name, int? version, CancellationToken cancellationToken)
    {
        var list = version is null
            ? await Versions($"SELECT {Columns} FROM model_versions WHERE name = $1 ORDER BY version DESC LIMIT 1", [name], cancellationToken).ConfigureAwait(false)
            : await Versions($"SELECT {Columns} FROM model_versions WHERE name = $1 AND version = $2", [name, version.Value], cancellationToken).ConfigureAwait(false);
        return list.Count == 0 ? null : list[0];
    }

    public Task<IReadOnlyList<ModelVersion>> ListLatestAsync(CancellationToken cancellationToken) =>
        Versions($"SELECT * FROM (SELECT DISTINCT ON (name) {Columns} FROM model_versions ORDER BY name, version DESC) latest ORDER BY name COLLATE \"C\"", [], cancellationToken);

    public Task<IReadOnlyList<ModelVersion>> VersionsAsync(string name, CancellationToken cancellationToken) =>
        Versions($"SELECT {Columns} FROM model_versions WHERE name = $1 ORDER BY version", [name], cancellationToken);

    public Task<IReadOnlyList<AliasEntry>> AliasHistoryAsync(string name, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<AliasEntry>>(async conn =>
        {
            await using var cmd = new NpgsqlCommand("SELECT name, alias, version, set_at FROM aliases WHERE name = $1 ORDER BY set_at, seq", conn);
            cmd.Parameters.AddWithValue(name);
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var list = new List<AliasEntry>();
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
                list.Add(new AliasEntry(r.GetString(0), r.GetString(1), r.GetInt32(2), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3))));
            return list;
        }, cancellationToken);

    // Aliases live in one table that the lineage catalog also resolves: one query for both.
    public Task<int?> AliasVersionAsync(string name, string alias, DateTimeOffset? asOf, CancellationToken cancellationToken) =>
        new PostgresLineageCatalog(db).AliasVersionAsync(name, alias, asOf, cancellationToken);

    public async Task SetAliasAsync(string name, string alias, int version, DateTimeOffset setAt, CancellationToken cancellationToken) =>
        await db.WriteAsync((conn, tx) => InsertAliasAsync(conn, tx, name, alias, version, setAt, cancellationToken), cancellationToken).ConfigureAwait(false);

    public Task<Deployment> RecordDeploymentAsync(NewDeployment d, IReadOnlyList<NewLineageNode> nodes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(d);
        ArgumentNullException.ThrowIfNull(nodes);
        return db.WriteAsync(async (conn, tx) =>
        {
            var ids = await PostgresLineageStore.AppendAsync(db, conn, tx, nodes, cancellationToken).ConfigureAwait(false);
            var deployIndex = nodes.Select((n, i) => (n, i)).FirstOrDefault(x => x.n.Type == NodeType.Run && x.n.Kind == "deploy", (null!, -1)).Item2;
            var nodeId = deployIndex >= 0 ? ids[deployIndex] : 0;
            if (d.CanaryPercent <= 0) await InsertAliasAsync(conn, tx, d.Name, d.Alias, d.Version, d.CreatedAt, cancellationToken).ConfigureAwait(false);
            await using var insert = new NpgsqlCommand(
                "INSERT INTO deployments(run_id, action, name, alias, version, previous_version, canary_percent, package, node_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id", conn, tx);
            var p = insert.Parameters;
            p.AddWithValue(d.RunId);
            p.AddWithValue(d.Action);
            p.AddWithValue(d.Name);
            p.AddWithValue(d.Alias);
            p.AddWithValue(d.Version);
            p.Add(PostgresRunRows.Nullable(d.PreviousVersion, NpgsqlDbType.Integer));
            p.AddWithValue(d.CanaryPercent);
            p.Add(PostgresLineageStore.Text(d.Package?.ToString()));
            p.AddWithValue(nodeId);
            p.AddWithValue(d.CreatedAt.ToUnixTimeMilliseconds());
            var id = (long)(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            return new Deployment(id, d.RunId, d.Action, d.Name, d.Alias, d.Version, d.PreviousVersion, d.CanaryPercent, d.Package, nodeId, d.CreatedAt);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<Deployment>> DeploymentsAsync(string name, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<Deployment>>(async conn =>
        {
            await using var cmd = new NpgsqlCommand($"SELECT {DeployColumns} FROM deployments WHERE name = $1 ORDER BY id", conn);
            cmd.Parameters.AddWithValue(name);
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var list = new List<Deployment>();
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                list.Add(new Deployment(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt32(5),
                    r.IsDBNull(6) ? null : r.GetInt32(6), r.GetDouble(7), r.IsDBNull(8) ? null : Digest.Parse(r.GetString(8)),
                    r.GetInt64(9), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(10))));
            }
            return list;
        }, cancellationToken);

    public async Task AddFeedbackAsync(IReadOnlyList<FeedbackLabel> labels, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count == 0) return;
        await db.WriteAsync(async (conn, tx) =>
        {
            var batch = new NpgsqlBatch(conn, tx);
            await using (batch.ConfigureAwait(false))
            {
                foreach (var l in labels)
                {
                    var c = new NpgsqlBatchCommand("INSERT INTO prediction_feedback(request_id, \"row\", model, label, received_at, version, deployment_node) VALUES ($1, $2, $3, $4, $5, $6, $7)");
                    c.Parameters.Add(new NpgsqlParameter<string> { TypedValue = l.RequestId });
                    c.Parameters.Add(new NpgsqlParameter<int> { TypedValue = l.Row });
                    c.Parameters.Add(new NpgsqlParameter<string> { TypedValue = l.Model });
                    c.Parameters.Add(new NpgsqlParameter<string> { TypedValue = l.Label });
                    c.Parameters.Add(new NpgsqlParameter<long> { TypedValue = l.ReceivedAt.ToUnixTimeMilliseconds() });
                    c.Parameters.Add(new NpgsqlParameter<int?> { TypedValue = l.Version });
                    c.Parameters.Add(new NpgsqlParameter<long?> { TypedValue = l.DeploymentNode });
                    batch.BatchCommands.Add(c);
                }
                return await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);
    }

    public Task<IReadOnlyList<FeedbackLabel>> FeedbackAsync(string model, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<FeedbackLabel>>(async conn =>
        {
            await using var cmd = new NpgsqlCommand("SELECT request_id, \"row\", model, label, received_at, version, deployment_node FROM prediction_feedback WHERE model = $1 ORDER BY seq", conn);
            cmd.Parameters.AddWithValue(model);
            await using var r = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var list = new List<FeedbackLabel>();
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                list.Add(new FeedbackLabel(r.GetString(0), r.GetInt32(1), r.GetString(2), r.GetString(3), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)),
                    r.IsDBNull(5) ? null : r.GetInt32(5), r.IsDBNull(6) ? null : r.GetInt64(6)));
            }
            return list;
        }, cancellationToken);

    internal static async Task<int> InsertAliasAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string name, string alias, int version, DateTimeOffset at, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("INSERT INTO aliases(name, alias, version, set_at) VALUES ($1, $2, $3, $4)", conn, tx);
        cmd.Parameters.AddWithValue(name);
        cmd.Parameters.AddWithValue(alias);
        cmd.Parameters.AddWithValue(version);
        cmd.Parameters.AddWithValue(at.ToUnixTimeMilliseconds());
        return await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    private Task<IReadOnlyList<ModelVersion>> Versions(string sql, object[] args, CancellationToken ct) =>
        db.ReadAsync<IReadOnlyList<ModelVersion>>(async conn =>
        {
            await using var cmd = new NpgsqlCommand(sql, conn);
            foreach (var a in args) cmd.Parameters.AddWithValue(a);
            await using var r = await cmd.ExecuteReaderAsync(ct).ConfigureAwait(false);
            var list = new List<ModelVersion>();
            while (await r.ReadAsync(ct).ConfigureAwait(false))
            {
                list.Add(new ModelVersion(
                    r.GetString(0), r.GetInt32(1), r.GetString(2), Digest.Parse(r.GetString(3)), Digest.Parse(r.GetString(4)),
                    RegistryJson.Deserialize<ModelSignature>(r.GetString(5)), RegistryJson.Deserialize<ModelCard>(r.GetString(6)),
                    r.GetString(7), r.IsDBNull(8) ? null : Digest.Parse(r.GetString(8)), r.GetInt64(9),
                    DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(10)), r.GetString(11), r.GetString(12)));
            }
            return list;
        }, cancellationToken: ct);
}
