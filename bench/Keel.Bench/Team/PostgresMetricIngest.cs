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
        var rows = quick ? 50_000 : 300_000;
        const int rounds = 3;
        var t0 = DateTimeOffset.UtcNow;
        var batches = Enumerable.Range(0, rows / Batch).Select(b => (IReadOnlyList<MetricPoint>)Enumerable.Range(0, Batch)
            .Select(i => new MetricPoint($"loss/{i % Keys}", 1.0 / (1 + b * Batch + i), (b * Batch + i) / Keys, t0.AddMilliseconds(b * Batch + i))).ToList()).ToList();
        // Rounds alternate the two sides, each into a fresh database, after one warm-up of each, so
        // neither pays the JIT or a cold server alone; the figure is each side's median round.
        ThroughKeel(admin, batches.Take(1).ToList(), t0);
        Bare(admin, batches.Take(1).ToList());
        var keel = new List<double>();
        var bare = new List<double>();
        for (var r = 0; r < rounds; r++)
        {
            keel.Add(rows / ThroughKeel(admin, batches, t0));
            bare.Add(rows / Bare(admin, batches));
        }
        var (k, b) = (keel.Order().ElementAt(rounds / 2), bare.Order().ElementAt(rounds / 2));
        Console.Error.WriteLine($"   metric ingestion rounds (k rows/s): keel {string.Join(", ", keel.Select(x => (x / 1000).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)))}; bare {string.Join(", ", bare.Select(x => (x / 1000).ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)))}");
        return new Figure(group, $"metric ingestion, {rows:N0} points (batches of {Batch:N0}), median of {rounds}", k / 1000, "k rows/s", "bare binary COPY", b / 1000, k / b, ">= 0.70");
    }

    private static double ThroughKeel(string admin, List<IReadOnlyList<MetricPoint>> batches, DateTimeOffset t0)
    {
        using var store = new PostgresMetadataStore(PostgresIngestBench.NewDatabase(admin), TimeProvider.System);
        var run = store.Runs.CreateAsync(new NewRun(RunId.New(TimeProvider.System), "bench", "bench", "sdk", t0, "bench", "localhost", null, null, null, 0,
            new GitState(null, null, null, false, null, 0, []), null), default).GetAwaiter().GetResult();
        var clock = Stopwatch.StartNew();
        foreach (var b in batches) store.Runs.LogAsync(run.Id, RunBatch.OfMetrics(b), default).GetAwaiter().GetResult();
        return clock.Elapsed.TotalSeconds;
    }

    private static double Bare(string admin, List<IReadOnlyList<MetricPoint>> batches)
    {
        var uri = PostgresIngestBench.NewDatabase(admin);
        new PostgresMetadataStore(uri, TimeProvider.System).Dispose(); // same tables and indexes
        using var conn = new NpgsqlConnection(PostgresUri.Parse(uri).ConnectionString);
        conn.Open();
        var id = RunId.New(TimeProvider.System).ToString();
        var clock = Stopwatch.StartNew();
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
        return clock.Elapsed.TotalSeconds;
    }
}
