namespace Keel.Metadata.Sqlite;

/// <summary>
/// Versioned schema changes, applied in order on open. The schema version is SQLite's
/// <c>user_version</c>; each migration runs in the same transaction that bumps it.
/// Append new migrations; never edit a released one.
/// </summary>
internal static class SqliteMigrations
{
    private static readonly string[] Steps =
    [
        // 1: datasets and versions
        """
        CREATE TABLE datasets (
            name TEXT PRIMARY KEY,
            path TEXT NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE dataset_versions (
            name TEXT NOT NULL REFERENCES datasets(name),
            version INTEGER NOT NULL,
            digest TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('file', 'directory')),
            path TEXT NOT NULL,
            message TEXT,
            created_at INTEGER NOT NULL,
            user_name TEXT NOT NULL,
            host TEXT NOT NULL,
            files INTEGER NOT NULL,
            bytes INTEGER NOT NULL,
            PRIMARY KEY (name, version)
        );
        CREATE INDEX dataset_versions_digest ON dataset_versions(digest);
        """,

        // 2: the provenance graph, append-only; edges point from the older node to the newer
        """
        CREATE TABLE lineage_nodes (
            id INTEGER PRIMARY KEY,
            type TEXT NOT NULL CHECK (type IN ('artifact', 'run', 'agent')),
            kind TEXT NOT NULL,
            label TEXT NOT NULL,
            digest TEXT,
            run_id TEXT,
            created_at INTEGER NOT NULL,
            attributes TEXT
        );
        CREATE INDEX lineage_nodes_label ON lineage_nodes(label);
        CREATE INDEX lineage_nodes_digest ON lineage_nodes(digest);
        CREATE INDEX lineage_nodes_run ON lineage_nodes(run_id);
        CREATE TABLE lineage_edges (
            src INTEGER NOT NULL REFERENCES lineage_nodes(id),
            dst INTEGER NOT NULL REFERENCES lineage_nodes(id),
            relation TEXT NOT NULL CHECK (relation IN ('used', 'generated', 'derived', 'associated')),
            role TEXT,
            CHECK (src < dst)
        );
        CREATE INDEX lineage_edges_dst ON lineage_edges(dst);
        CREATE INDEX lineage_edges_src ON lineage_edges(src);
        """,

        // 3: the pipeline run cache
        """
        CREATE TABLE run_cache (
            recipe TEXT PRIMARY KEY,
            run_id TEXT,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE run_cache_outputs (
            recipe TEXT NOT NULL REFERENCES run_cache(recipe),
            path TEXT NOT NULL,
            digest TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('file', 'directory')),
            bytes INTEGER NOT NULL,
            files INTEGER NOT NULL,
            out_kind TEXT NOT NULL,
            PRIMARY KEY (recipe, path)
        );
        """,

        // 4: lineage roots (a Merkle hash per run, stored when first computed) and alias history
        """
        CREATE TABLE lineage_roots (
            node_id INTEGER PRIMARY KEY REFERENCES lineage_nodes(id),
            root TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS aliases (
            name TEXT NOT NULL,
            alias TEXT NOT NULL,
            version INTEGER NOT NULL,
            set_at INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS aliases_by_name ON aliases(name, alias, set_at);
        """,

        // 5: tracked runs. A metric value of NULL means NaN (SQLite stores NaN as NULL);
        // ±Infinity are stored as REAL. run_latest_metrics holds the highest step per key,
        // upserted with every metric, so filters never scan metric history.
        """
        CREATE TABLE runs (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            experiment TEXT,
            kind TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed', 'killed')),
            started_at INTEGER NOT NULL,
            ended_at INTEGER,
            heartbeat_at INTEGER NOT NULL,
            user_name TEXT NOT NULL,
            host TEXT NOT NULL,
            pid INTEGER,
            process_start INTEGER,
            command TEXT,
            exit_code INTEGER,
            seed INTEGER NOT NULL,
            git_commit TEXT,
            git_branch TEXT,
            git_remote TEXT,
            git_dirty INTEGER NOT NULL,
            git_diff TEXT,
            git_diff_bytes INTEGER NOT NULL,
            git_skipped TEXT NOT NULL,
            env_digest TEXT,
            cpu_seconds REAL,
            peak_memory_bytes INTEGER,
            wall_seconds REAL,
            end_reason TEXT,
            lineage_node INTEGER
        );
        CREATE INDEX runs_started ON runs(started_at);
        CREATE INDEX runs_experiment ON runs(experiment, started_at);
        CREATE INDEX runs_status ON runs(status);
        CREATE TABLE run_params (
            run_id TEXT NOT NULL REFERENCES runs(id),
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (run_id, key)
        ) WITHOUT ROWID;
        CREATE TABLE run_metrics (
            run_id TEXT NOT NULL,
            key TEXT NOT NULL,
            value REAL,
            step INTEGER NOT NULL,
            timestamp INTEGER NOT NULL
        );
        CREATE INDEX run_metrics_key ON run_metrics(run_id, key, step);
        CREATE TABLE run_latest_metrics (
            run_id TEXT NOT NULL,
            key TEXT NOT NULL,
            value REAL,
            step INTEGER NOT NULL,
            timestamp INTEGER NOT NULL,
            PRIMARY KEY (run_id, key)
        ) WITHOUT ROWID;
        CREATE INDEX run_latest_metrics_key ON run_latest_metrics(key, value);
        CREATE TABLE run_tags (
            run_id TEXT NOT NULL REFERENCES runs(id),
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (run_id, key)
        ) WITHOUT ROWID;
        CREATE TABLE run_inputs (
            run_id TEXT NOT NULL REFERENCES runs(id),
            ref TEXT NOT NULL,
            digest TEXT NOT NULL,
            is_manifest INTEGER NOT NULL,
            role TEXT NOT NULL
        );
        CREATE INDEX run_inputs_run ON run_inputs(run_id);
        CREATE TABLE run_outputs (
            run_id TEXT NOT NULL REFERENCES runs(id),
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            digest TEXT NOT NULL,
            is_manifest INTEGER NOT NULL,
            bytes INTEGER NOT NULL
        );
        CREATE INDEX run_outputs_run ON run_outputs(run_id);
        """,

        // 6: the model registry: versions, deployments (alias moves stay in aliases), feedback labels
        """
        CREATE TABLE model_versions (
            name TEXT NOT NULL,
            version INTEGER NOT NULL,
            flavor TEXT NOT NULL,
            digest TEXT NOT NULL,
            canonical_digest TEXT NOT NULL,
            signature TEXT NOT NULL,
            card TEXT NOT NULL,
            source TEXT NOT NULL,
            training_digest TEXT,
            node_id INTEGER NOT NULL,
            created_at INTEGER NOT NULL,
            user_name TEXT NOT NULL,
            host TEXT NOT NULL,
            PRIMARY KEY (name, version)
        );
        CREATE TABLE deployments (
            id INTEGER PRIMARY KEY,
            run_id TEXT NOT NULL,
            action TEXT NOT NULL CHECK (action IN ('deploy', 'rollback')),
            name TEXT NOT NULL,
            alias TEXT NOT NULL,
            version INTEGER NOT NULL,
            previous_version INTEGER,
            canary_percent REAL NOT NULL,
            package TEXT,
            node_id INTEGER NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE INDEX deployments_by_name ON deployments(name, alias, id);
        CREATE TABLE prediction_feedback (
            request_id TEXT NOT NULL,
            row INTEGER NOT NULL,
            model TEXT NOT NULL,
            label TEXT NOT NULL,
            received_at INTEGER NOT NULL
        );
        CREATE INDEX prediction_feedback_by_request ON prediction_feedback(request_id, row);
        """,

        // 7: feedback linked to the version that made the prediction and its deployment (the server checks request ids)
        """
        ALTER TABLE prediction_feedback ADD COLUMN version INTEGER;
        ALTER TABLE prediction_feedback ADD COLUMN deployment_node INTEGER;
        """,

        // 8: the lineage log: each run's root sealed when it is recorded, chained by a running head
        // (lineage_roots is no longer written; runs recorded before this step are sealed late, once, on migration)
        """
        CREATE TABLE lineage_log (
            seq INTEGER PRIMARY KEY,
            node_id INTEGER NOT NULL UNIQUE,
            upto INTEGER NOT NULL,
            root TEXT NOT NULL,
            head TEXT NOT NULL,
            sealed_at INTEGER NOT NULL,
            late INTEGER NOT NULL
        );
        """,
    ];

    /// <summary>The step that created the lineage log: a database migrated across it seals its earlier runs.</summary>
    internal const int LineageLogStep = 8;

    public static int Latest => Steps.Length;

    public static void Apply(SqliteDatabase db)
    {
        if (CurrentVersion(db) == Steps.Length) return;
        db.Write(tx =>
        {
            // Re-read inside the write lock: another process may have migrated meanwhile.
            var current = CurrentVersion(db, tx);
            if (current > Steps.Length)
                throw new KeelException($"the metadata database is at schema {current}, newer than this keel ({Steps.Length}); upgrade keel");
            for (var i = current; i < Steps.Length; i++)
            {
                using var cmd = db.Command(Steps[i], tx);
                cmd.ExecuteNonQuery();
            }
            if (current < LineageLogStep) db.Sealed(SqliteLineageSeals.SealExisting(db, tx, db.Time.GetUtcNow()));
            using var bump = db.Command($"PRAGMA user_version = {Steps.Length}", tx);
            bump.ExecuteNonQuery();
            return 0;
        });
    }

    private static int CurrentVersion(SqliteDatabase db, Microsoft.Data.Sqlite.SqliteTransaction? tx = null)
    {
        using var cmd = db.Command("PRAGMA user_version", tx);
        return Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
