using Keel.Objects;

namespace Keel.Metadata.Sqlite;

/// <summary>The union of every table column that names an object; extend it when a table adds one.</summary>
internal sealed class SqliteObjectReferences(SqliteDatabase db) : IObjectReferences
{
    private const string Sql = """
        SELECT digest, kind = 'directory', name || '@' || version FROM dataset_versions
        UNION ALL
        SELECT digest, kind = 'directory', 'run cache ' || substr(recipe, 8, 12) || ':' || path FROM run_cache_outputs
        UNION ALL
        SELECT digest, COALESCE(json_extract(attributes, '$.type') = 'directory', 0), 'lineage ' || label FROM lineage_nodes
            WHERE digest IS NOT NULL AND type = 'artifact' AND json_extract(attributes, '$.external') IS NULL
        UNION ALL SELECT digest, is_manifest, 'run ' || run_id || ' output ' || name FROM run_outputs
        UNION ALL SELECT digest, is_manifest, 'run ' || run_id || ' input ' || ref FROM run_inputs
        UNION ALL SELECT git_diff, 0, 'run ' || id || ' code diff' FROM runs WHERE git_diff IS NOT NULL
        UNION ALL SELECT env_digest, 0, 'run ' || id || ' environment' FROM runs WHERE env_digest IS NOT NULL
        UNION ALL
        SELECT digest, 0, 'model ' || name || '@' || version FROM model_versions
        UNION ALL
        SELECT training_digest, 0, 'training data of ' || name || '@' || version FROM model_versions WHERE training_digest IS NOT NULL
        UNION ALL
        SELECT package, 0, 'serving package of ' || name || '@' || version FROM deployments WHERE package IS NOT NULL
        """;

    public Task<IReadOnlyList<ObjectReference>> ListAsync(CancellationToken cancellationToken)
    {
        using var cmd = db.Command(Sql);
        using var reader = cmd.ExecuteReader();
        var list = new List<ObjectReference>();
        while (reader.Read())
            list.Add(new ObjectReference(Digest.Parse(reader.GetString(0)), reader.GetBoolean(1), reader.GetString(2)));
        return Task.FromResult<IReadOnlyList<ObjectReference>>(list);
    }
}
