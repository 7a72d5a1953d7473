using System.Diagnostics;
using Keel.Postgres;
using Keel.Tracking;
using Npgsql;
using NpgsqlTypes;

namespace Keel.Bench.Team;

/// <summary>
/// Metric ingestion into PostgreSQL through Keel's run store (what the SDK's flush and
/// <c>keel log-metric</c> call: one transaction per batch, binary COPY, the latest-value upsert)
/// against a bare binary COPY of the same rows into the same table, one transaction per batch.
/// </summary>
internal static class PostgresMetricIngest
{
    private const int Batch = 10_000;
    private const int Keys = 10;

    public static Figure Measure(string group, string admin, bool quick)
    {
        var rows = quick ? 100_000 : 1_000_000;
        var t0 = DateTimeOffset.UtcNow;
        var batches = Enumerable.Range(0, rows / Batch).Select(b => (IReadOnlyList<MetricPoint>)Enumerable.Range(0, Batch)
            .Select(i => new MetricPoint($"loss/{i % Keys}", 1.0 / (1 + b * Batch + i), (b * Batch + i) / Keys, t0.AddMilliseconds(b * Batch + i))).ToList()).ToList();

        using var store = new PostgresMetadataStore(PostgresIngestBench.NewDatabase(admin), TimeProvider.System);
        var run = store.Runs.CreateAsync(new NewRun(RunId.New(TimeProvider.System), "bench", "bench", "sdk", t0, "bench", "localhost", null, null, null, 0,
            new GitState(null, null, null, false, null, 0, []), null), default).GetAwaiter().GetResult();
        var clock = Stopwatch.StartNew();
        foreach (var b in batches) store.Runs.LogAsync(run.Id, RunBatch.OfMetrics(b), default).GetAwaiter().GetResult();
        var keel = rows / clock.Elapsed.TotalSeconds;

        var bareUri = PostgresIngestBench.NewDatabase(admin);
        new PostgresMetadataStore(bareUri, TimeProvider.System).Dispose(); // same tables and indexes
        using var conn = new NpgsqlConnection(PostgresUri.Parse(bareUri).ConnectionString);
        conn.Open();
        var id = run.Id.ToString();
        clock.Restart();
        foreach (var b in batches)
        {
            using var tx = conn.BeginTransaction();
            using (var w = conn.BeginBinaryImport("COPY run_metrics(run_id, key, value, step, timestamp) FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var m in b)
                {
                    w.StartRow();
                    w.Write(id, NpgsqlDbType.Text);
                    w.Write(m.Key, NpgsqlDbType.Text);
                    w.Write(m.Value, NpgsqlDbType.Double);
                    w.Write(m.Step, NpgsqlDbType.Bigint);
                    w.Write(m.Timestamp.ToUnixTimeMilliseconds(), NpgsqlDbType.Bigint);
                }
                w.Complete();
            }
            tx.Commit();
        }
        var bare = rows / clock.Elapsed.TotalSeconds;
        return new Figure(group, $"metric ingestion, {rows:N0} points (batches of {Batch:N0})", keel / 1000, "k rows/s", "bare binary COPY", bare / 1000, keel / bare, ">= 0.70");
    }
}
