using Npgsql;

namespace Keel.Postgres;

/// <summary>
/// Versioned schema changes, applied in order on open under an advisory lock, so two clients
/// starting at once migrate once. The version lives in <c>keel_schema</c>. Append new steps;
/// never edit a released one. A new aggregate adds its tables here and, when it holds object
/// digests, re-creates the <c>object_references</c> view with its rows added.
/// Times are unix milliseconds (bigint), as in the SQLite schema, so both backends agree to the millisecond.
/// </summary>
internal static class PostgresMigrations
{
    private static readonly string[] Steps =
    [
        // 1: datasets, the provenance graph, the run cache, lineage roots, alias history
        """
        CREATE TABLE datasets (
            name text PRIMARY KEY,
            path text NOT NULL,
            created_at bigint NOT NULL
        );
        CREATE TABLE dataset_versions (
            name text NOT NULL REFERENCES datasets(name),
            version integer NOT NULL,
            digest text NOT NULL,
            kind text NOT NULL CHECK (kind IN ('file', 'directory')),
            path text NOT NULL,
            message text,
            created_at bigint NOT NULL,
            user_name text NOT NULL,
            host text NOT NULL,
            files bigint NOT NULL,
            bytes bigint NOT NULL,
            PRIMARY KEY (name, version)
        );
        CREATE INDEX dataset_versions_digest ON dataset_versions(digest);

        CREATE SEQUENCE lineage_ids;
        CREATE TABLE lineage_nodes (
            id bigint PRIMARY KEY,
            type text NOT NULL CHECK (type IN ('artifact', 'run', 'agent')),
            kind text NOT NULL,
            label text NOT NULL,
            digest text,
            run_id text,
            created_at bigint NOT NULL,
            attributes text
        );
        CREATE INDEX lineage_nodes_label ON lineage_nodes(label text_pattern_ops);
        CREATE INDEX lineage_nodes_digest ON lineage_nodes(digest);
        CREATE INDEX lineage_nodes_run ON lineage_nodes(run_id text_pattern_ops);
        CREATE TABLE lineage_edges (
            src bigint NOT NULL REFERENCES lineage_nodes(id),
            dst bigint NOT NULL REFERENCES lineage_nodes(id),
            relation text NOT NULL CHECK (relation IN ('used', 'generated', 'derived', 'associated')),
            role text,
            CHECK (src < dst)
        );
        CREATE INDEX lineage_edges_dst ON lineage_edges(dst);
        CREATE INDEX lineage_edges_src ON lineage_edges(src);

        CREATE TABLE run_cache (
            recipe text PRIMARY KEY,
            run_id text,
            created_at bigint NOT NULL
        );
        CREATE TABLE run_cache_outputs (
            recipe text NOT NULL REFERENCES run_cache(recipe),
            path text NOT NULL,
            digest text NOT NULL,
            kind text NOT NULL CHECK (kind IN ('file', 'directory')),
            bytes bigint NOT NULL,
            files bigint NOT NULL,
            out_kind text NOT NULL,
            PRIMARY KEY (recipe, path)
        );

        CREATE TABLE lineage_roots (
            node_id bigint PRIMARY KEY REFERENCES lineage_nodes(id),
            root text NOT NULL
        );
        CREATE TABLE aliases (
            seq bigserial PRIMARY KEY,
            name text NOT NULL,
            alias text NOT NULL,
            version integer NOT NULL,
            set_at bigint NOT NULL
        );
        CREATE INDEX aliases_by_name ON aliases(name, alias, set_at);
        """,

        // 2: every object the metadata keeps alive, for gc and fsck (re-created by later aggregates)
        """
        CREATE VIEW object_references AS
            SELECT digest, kind = 'directory' AS is_manifest, name || '@' || version AS owner FROM dataset_versions
            UNION ALL
            SELECT digest, kind = 'directory', 'run cache ' || substr(recipe, 8, 12) || ':' || path FROM run_cache_outputs
            UNION ALL
            SELECT digest, false, 'lineage ' || label FROM lineage_nodes WHERE digest IS NOT NULL AND type = 'artifact' AND kind <> 'data';
        """,

        // 3: tracked runs and the model registry (SQLite steps 5 and 6). A NULL metric value means NaN,
        // as in SQLite; seq columns keep insertion order where SQLite used rowid. The object_references
        // view gains the digests runs, model versions and deployments hold.
        """
        CREATE TABLE runs (
            id text PRIMARY KEY,
            name text NOT NULL,
            experiment text,
            kind text NOT NULL,
            status text NOT NULL CHECK (status IN ('running', 'finished', 'failed', 'killed')),
            started_at bigint NOT NULL,
            ended_at bigint,
            heartbeat_at bigint NOT NULL,
            user_name text NOT NULL,
            host text NOT NULL,
            pid integer,
            process_start bigint,
            command text,
            exit_code integer,
            seed bigint NOT NULL,
            git_commit text,
            git_branch text,
            git_remote text,
            git_dirty boolean NOT NULL,
            git_diff text,
            git_diff_bytes bigint NOT NULL,
            git_skipped text NOT NULL,
            env_digest text,
            cpu_seconds double precision,
            peak_memory_bytes bigint,
            wall_seconds double precision,
            end_reason text,
            lineage_node bigint
        );
        CREATE INDEX runs_id_pattern ON runs(id text_pattern_ops);
        CREATE INDEX runs_started ON runs(started_at);
        CREATE INDEX runs_experiment ON runs(experiment, started_at);
        CREATE INDEX runs_status ON runs(status);
        CREATE TABLE run_params (
            run_id text NOT NULL REFERENCES runs(id),
            key text NOT NULL,
            value text NOT NULL,
            PRIMARY KEY (run_id, key)
        );
        CREATE TABLE run_metrics (
            seq bigserial PRIMARY KEY,
            run_id text NOT NULL,
            key text NOT NULL,
            value double precision,
            step bigint NOT NULL,
            timestamp bigint NOT NULL
        );
        CREATE INDEX run_metrics_key ON run_metrics(run_id, key, step);
        CREATE TABLE run_latest_metrics (
            run_id text NOT NULL,
            key text NOT NULL,
            value double precision,
            step bigint NOT NULL,
            timestamp bigint NOT NULL,
            PRIMARY KEY (run_id, key)
        );
        CREATE INDEX run_latest_metrics_key ON run_latest_metrics(key, value);
        CREATE TABLE run_tags (
            run_id text NOT NULL REFERENCES runs(id),
            key text NOT NULL,
            value text NOT NULL,
            PRIMARY KEY (run_id, key)
        );
        CREATE TABLE run_inputs (
            seq bigserial PRIMARY KEY,
            run_id text NOT NULL REFERENCES runs(id),
            ref text NOT NULL,
            digest text NOT NULL,
            is_manifest boolean NOT NULL,
            role text NOT NULL
        );
        CREATE INDEX run_inputs_run ON run_inputs(run_id);
        CREATE TABLE run_outputs (
            seq bigserial PRIMARY KEY,
            run_id text NOT NULL REFERENCES runs(id),
            name text NOT NULL,
            kind text NOT NULL,
            digest text NOT NULL,
            is_manifest boolean NOT NULL,
            bytes bigint NOT NULL
        );
        CREATE INDEX run_outputs_run ON run_outputs(run_id);

        CREATE TABLE model_versions (
            name text NOT NULL,
            version integer NOT NULL,
            flavor text NOT NULL,
            digest text NOT NULL,
            canonical_digest text NOT NULL,
            signature text NOT NULL,
            card text NOT NULL,
            source text NOT NULL,
            training_digest text,
            node_id bigint NOT NULL,
            created_at bigint NOT NULL,
            user_name text NOT NULL,
            host text NOT NULL,
            PRIMARY KEY (name, version)
        );
        CREATE TABLE deployments (
            id bigserial PRIMARY KEY,
            run_id text NOT NULL,
            action text NOT NULL CHECK (action IN ('deploy', 'rollback')),
            name text NOT NULL,
            alias text NOT NULL,
            version integer NOT NULL,
            previous_version integer,
            canary_percent double precision NOT NULL,
            package text,
            node_id bigint NOT NULL,
            created_at bigint NOT NULL
        );
        CREATE INDEX deployments_by_name ON deployments(name, alias, id);
        CREATE TABLE prediction_feedback (
            seq bigserial PRIMARY KEY,
            request_id text NOT NULL,
            "row" integer NOT NULL,
            model text NOT NULL,
            label text NOT NULL,
            received_at bigint NOT NULL
        );
        CREATE INDEX prediction_feedback_by_request ON prediction_feedback(request_id, "row");
        CREATE INDEX prediction_feedback_by_model ON prediction_feedback(model, seq);

        DROP VIEW object_references;
        CREATE VIEW object_references AS
            SELECT digest, kind = 'directory' AS is_manifest, name || '@' || version AS owner FROM dataset_versions
            UNION ALL
            SELECT digest, kind = 'directory', 'run cache ' || substr(recipe, 8, 12) || ':' || path FROM run_cache_outputs
            UNION ALL
            SELECT digest, false, 'lineage ' || label FROM lineage_nodes WHERE digest IS NOT NULL AND type = 'artifact' AND kind <> 'data'
            UNION ALL SELECT digest, is_manifest, 'run ' || run_id || ' output ' || name FROM run_outputs
            UNION ALL SELECT digest, is_manifest, 'run ' || run_id || ' input ' || ref FROM run_inputs
            UNION ALL SELECT git_diff, false, 'run ' || id || ' code diff' FROM runs WHERE git_diff IS NOT NULL
            UNION ALL SELECT env_digest, false, 'run ' || id || ' environment' FROM runs WHERE env_digest IS NOT NULL
            UNION ALL SELECT digest, false, 'model ' || name || '@' || version FROM model_versions
            UNION ALL SELECT training_digest, false, 'training data of ' || name || '@' || version FROM model_versions WHERE training_digest IS NOT NULL
            UNION ALL SELECT package, false, 'serving package of ' || name || '@' || version FROM deployments WHERE package IS NOT NULL;
        """,

        // feedback linked to the version that made the prediction and its deployment (the server checks request ids)
        """
        ALTER TABLE prediction_feedback ADD COLUMN version integer;
        ALTER TABLE prediction_feedback ADD COLUMN deployment_node bigint;
        """,

        // 5: the lineage log: each run's root sealed when it is recorded, chained by a running head
        // (lineage_roots is no longer written; runs recorded before this step are sealed late, once, on migration)
        """
        CREATE TABLE lineage_log (
            seq bigint PRIMARY KEY,
            node_id bigint NOT NULL UNIQUE,
            upto bigint NOT NULL,
            root text NOT NULL,
            head text NOT NULL,
            sealed_at bigint NOT NULL,
            late boolean NOT NULL
        );
        """,
    ];

    /// <summary>The step that created the lineage log: a database migrated across it seals its earlier runs.</summary>
    internal const int LineageLogStep = 5;

    public static int Latest => Steps.Length;

    public static async Task ApplyAsync(PostgresDatabase db, CancellationToken cancellationToken)
    {
        await db.WriteAsync(async (conn, tx) =>
        {
            await PostgresDatabase.LockAsync(conn, tx, "keel:migrations", cancellationToken).ConfigureAwait(false);
            await Exec(conn, tx, "CREATE TABLE IF NOT EXISTS keel_schema (version integer NOT NULL)", cancellationToken).ConfigureAwait(false);
            await using var read = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM keel_schema", conn, tx);
            var current = Convert.ToInt32(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
            if (current > Steps.Length)
                throw new KeelException($"the metadata database {db.SafeUri} is at schema {current}, newer than this keel ({Steps.Length}); upgrade keel");
            for (var i = current; i < Steps.Length; i++)
                await Exec(conn, tx, Steps[i], cancellationToken).ConfigureAwait(false);
            if (current < LineageLogStep)
                db.Sealed(tx, await PostgresLineageSeals.SealExistingAsync(conn, tx, db.Time.GetUtcNow(), cancellationToken).ConfigureAwait(false));
            if (current < Steps.Length)
            {
                await Exec(conn, tx, "DELETE FROM keel_schema", cancellationToken).ConfigureAwait(false);
                await Exec(conn, tx, $"INSERT INTO keel_schema VALUES ({Steps.Length})", cancellationToken).ConfigureAwait(false);
            }
            return 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task Exec(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
