using System.Diagnostics;
using Keel.Lineage;
using Keel.Metadata.Sqlite;
using Keel.Workspaces;

namespace Keel.Bench.Lineage;

/// <summary>One figure: Keel's time beside the baseline measured in the same run (both in ms), or a size.</summary>
public sealed record LineageBenchRow(string Name, double Keel, double Baseline, string Unit, string Note)
{
    /// <summary>How many times faster than the baseline (0 when there is none).</summary>
    public double Speedup => Keel > 0 && Baseline > 0 ? Baseline / Keel : 0;
}

/// <summary>
/// The provenance graph's figures: ~580 pipelines x 100 iterations (~1M nodes, ~1.8M edges)
/// stored through SqliteLineageStore, then the in-memory index against recursive SQL CTEs over
/// the same tables. <c>quick</c> uses 58 x 20.
/// </summary>
public static class LineageBench
{
    public static async Task<IReadOnlyList<LineageBenchRow>> RunAsync(bool quick, TextWriter? log = null, CancellationToken cancellationToken = default)
    {
        var (pipelines, iterations) = quick ? (58, 20) : (580, 100);
        var dir = Path.Combine(Path.GetTempPath(), "keel-bench-lineage-" + Guid.NewGuid().ToString("N")[..8]);
        var rows = new List<LineageBenchRow>();
        try
        {
            using var ws = Workspace.Init(dir, TimeProvider.System);
            var store = ws.Metadata.Lineage;
            var db = ((SqliteMetadataStore)ws.Metadata).Database;
            var sw = Stopwatch.StartNew();
            var gen = new LineageGraphGenerator(store, pipelines, iterations);
            await gen.GenerateAsync(cancellationToken).ConfigureAwait(false);
            var genMs = sw.Elapsed.TotalMilliseconds;
            long nodes = Scalar(db, "SELECT COUNT(*) FROM lineage_nodes"), edges = Scalar(db, "SELECT COUNT(*) FROM lineage_edges");
            log?.WriteLine($"generated {nodes:N0} nodes, {edges:N0} edges in {genMs / 1000:0.0} s");
            rows.Add(new LineageBenchRow("generate graph through SqliteLineageStore", genMs, 0, "ms", $"{nodes} nodes, {edges} edges, {pipelines} pipelines x {iterations} iterations"));

            // Index build vs reading the same columns without building anything.
            var readMs = Median(3, () => RawScan(db));
            var memBefore = GC.GetTotalMemory(forceFullCollection: true);
            LineageIndex? index = null;
            var buildMs = Median(3, () => index = LineageIndex.BuildAsync(store, cancellationToken).GetAwaiter().GetResult());
            var memAfter = GC.GetTotalMemory(forceFullCollection: true);
            GC.KeepAlive(index);
            rows.Add(new LineageBenchRow("index build from the store", buildMs, readMs, "ms", "baseline: the bare SELECT of the same columns, nothing built"));
            // What a command pays once the index has been built before: load the snapshot, top it up.
            var snapshot = Path.Combine(dir, "lineage.idx");
            index!.Save(snapshot);
            var loadMs = Median(3, () => LineageIndex.LoadOrBuildAsync(store, snapshot, cancellationToken).GetAwaiter().GetResult());
            rows.Add(new LineageBenchRow("index open from its snapshot (.keel/cache/lineage.idx) + top-up from the store", loadMs, readMs, "ms",
                $"{new FileInfo(snapshot).Length / 1048576.0:0} MiB snapshot; baseline: the bare SELECT of the same columns"));
            rows.Add(new LineageBenchRow("index memory", index!.MemoryBytes / 1048576.0, 0, "MiB",
                $"arrays+interned names; GC heap delta {(memAfter - memBefore) / 1048576.0:0.0} MiB"));

            var walk = new LineageTraversal(index);
            rows.Add(Query(db, index, walk, "upstream of the all-consuming model", gen.AllConsumingModel, LineageDirection.Up, log));
            rows.Add(Query(db, index, walk, "downstream of a hot raw file", gen.HotRawFile, LineageDirection.Down, log));
            rows.Add(Query(db, index, walk, "a typical model's lineage", gen.TypicalModel, LineageDirection.Up, log));
        }
        finally
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
        return rows;
    }

    private static LineageBenchRow Query(SqliteDatabase db, LineageIndex index, LineageTraversal walk, string name, long id, LineageDirection dir, TextWriter? log)
    {
        var start = index.IndexOf(id);
        var found = 0;
        for (var i = 0; i < 3; i++) found = walk.Walk(start, dir); // warm up
        var keel = Median(21, () => found = walk.Walk(start, dir));
        var sql = dir == LineageDirection.Up
            ? "WITH RECURSIVE r(id) AS (SELECT $id UNION SELECT e.src FROM lineage_edges e JOIN r ON e.dst = r.id) SELECT COUNT(*) FROM r"
            : "WITH RECURSIVE r(id) AS (SELECT $id UNION SELECT e.dst FROM lineage_edges e JOIN r ON e.src = r.id) SELECT COUNT(*) FROM r";
        long cteCount = 0;
        var cte = Median(3, () =>
        {
            using var cmd = db.Command(sql);
            cmd.Parameters.AddWithValue("$id", id);
            cteCount = (long)cmd.ExecuteScalar()!;
        });
        if (cteCount != found) throw new InvalidOperationException($"{name}: index found {found} nodes, the CTE {cteCount}");
        log?.WriteLine($"{name}: {found:N0} nodes, index {keel:0.000} ms, CTE {cte:0.0} ms ({cte / keel:0}x)");
        return new LineageBenchRow(name, keel, cte, "ms", $"{found} nodes (start included), same count from both; baseline: SQLite recursive CTE");
    }

    private static void RawScan(SqliteDatabase db)
    {
        long sum = 0;
        using (var cmd = db.Command("SELECT id, type, kind, label, created_at FROM lineage_nodes ORDER BY id"))
        using (var r = cmd.ExecuteReader())
            while (r.Read()) sum += r.GetInt64(0) + r.GetString(3).Length + r.GetString(2).Length + r.GetString(1).Length + r.GetInt64(4);
        using (var cmd = db.Command("SELECT src, dst, relation, role FROM lineage_edges"))
        using (var r = cmd.ExecuteReader())
            while (r.Read()) sum += r.GetInt64(0) + r.GetInt64(1) + r.GetString(2).Length + (r.IsDBNull(3) ? 0 : r.GetString(3).Length);
        GC.KeepAlive(sum);
    }

    private static long Scalar(SqliteDatabase db, string sql)
    {
        using var cmd = db.Command(sql);
        return (long)cmd.ExecuteScalar()!;
    }

    private static double Median(int runs, Action action)
    {
        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            times[i] = sw.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return times[runs / 2];
    }
}
