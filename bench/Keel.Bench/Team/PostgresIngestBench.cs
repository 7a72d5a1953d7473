using System.Diagnostics;
using Keel.Lineage;
using Keel.Postgres;
using Npgsql;
using NpgsqlTypes;

namespace Keel.Bench.Team;

/// <summary>
/// Lineage ingestion (nodes with an edge each) and metric ingestion into PostgreSQL through
/// Keel's stores, each against a bare binary COPY of the same rows into the same schema.
/// </summary>
internal sealed class PostgresIngestBench : IBenchGroup
{
    public string Name => "postgres";

    public IEnumerable<Figure> Run(BenchContext context)
    {
        var admin = Environment.GetEnvironmentVariable("KEEL_TEST_POSTGRES");
        if (string.IsNullOrEmpty(admin))
        {
            Console.Error.WriteLine("postgres: skipped (KEEL_TEST_POSTGRES not set; source scripts/services.sh and run services_start)");
            yield break;
        }
        var rows = context.Quick ? 50_000 : 200_000;
        const int batch = 10_000;
        var t0 = DateTimeOffset.UtcNow;
        var nodes = Enumerable.Range(0, batch).Select(i => new NewLineageNode(NodeType.Artifact, "data", $"n{i}", null, null, t0, null,
            i == 0 ? [] : [new LineageEdgeFrom(-i, Relation.Derived, null)])).ToList();

        using var keelStore = new PostgresMetadataStore(NewDatabase(admin), TimeProvider.System);
        var clock = Stopwatch.StartNew();
        for (var done = 0; done < rows; done += batch) keelStore.Lineage.AppendBatchAsync(nodes, default).GetAwaiter().GetResult();
        var keel = rows / clock.Elapsed.TotalSeconds;

        var bareUri = NewDatabase(admin);
        new PostgresMetadataStore(bareUri, TimeProvider.System).Dispose(); // same tables and indexes
        using var conn = new NpgsqlConnection(PostgresUri.Parse(bareUri).ConnectionString);
        conn.Open();
        clock.Restart();
        long id = 0;
        for (var done = 0; done < rows; done += batch)
        {
            using var tx = conn.BeginTransaction();
            var first = id + 1;
            using (var w = conn.BeginBinaryImport("COPY lineage_nodes(id, type, kind, label, digest, run_id, created_at, attributes) FROM STDIN (FORMAT BINARY)"))
            {
                for (var i = 0; i < batch; i++)
                {
                    w.StartRow();
                    w.Write(++id, NpgsqlDbType.Bigint);
                    w.Write("artifact", NpgsqlDbType.Text);
                    w.Write("data", NpgsqlDbType.Text);
                    w.Write($"n{i}", NpgsqlDbType.Text);
                    w.WriteNull();
                    w.WriteNull();
                    w.Write(t0.ToUnixTimeMilliseconds(), NpgsqlDbType.Bigint);
                    w.WriteNull();
                }
                w.Complete();
            }
            using (var e = conn.BeginBinaryImport("COPY lineage_edges(src, dst, relation, role) FROM STDIN (FORMAT BINARY)"))
            {
                for (var i = 1; i < batch; i++)
                {
                    e.StartRow();
                    e.Write(first + i - 1, NpgsqlDbType.Bigint);
                    e.Write(first + i, NpgsqlDbType.Bigint);
                    e.Write("derived", NpgsqlDbType.Text);
                    e.WriteNull();
                }
                e.Complete();
            }
            tx.Commit();
        }
        var bare = rows / clock.Elapsed.TotalSeconds;
        yield return new Figure(Name, $"lineage ingestion, {rows:N0} nodes + edges", keel / 1000, "k rows/s", "bare binary COPY", bare / 1000, keel / bare, ">= 0.70");
        yield return PostgresMetricIngest.Measure(Name, admin, context.Quick);
    }

    internal static string NewDatabase(string admin)
    {
        var name = "keel_bench_" + Guid.NewGuid().ToString("N")[..12];
        using (var conn = new NpgsqlConnection(PostgresUri.Parse(admin).ConnectionString))
        {
            conn.Open();
            using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
            cmd.ExecuteNonQuery();
        }
        return admin[..(admin.LastIndexOf('/') + 1)] + name;
    }
}
