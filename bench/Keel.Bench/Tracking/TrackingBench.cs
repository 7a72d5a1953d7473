using System.Diagnostics;
using System.Globalization;
using Keel.Metadata.Sqlite;
using Keel.Tracking;
using Keel.Workspaces;

namespace Keel.Bench.Tracking;

/// <summary>
/// Tracking figures, each against a baseline measured in the same run: SDK metric logging
/// vs a raw batched SQLite insert; <c>keel runs list --filter</c> over 10,000 runs at two
/// history lengths; <c>keel exec -- true</c> vs <c>true</c>.
/// </summary>
public static class TrackingBench
{
    /// <param name="keel">The published keel binary (artifacts/keel/keel).</param>
    /// <param name="scratch">An empty folder for the workspaces.</param>
    public static IEnumerable<TrackingBenchRow> Run(string keel, string scratch, int metricRows = 200_000)
    {
        Directory.CreateDirectory(scratch);
        yield return MetricThroughput(Path.Combine(scratch, "sdk"), metricRows);
        foreach (var row in FilterLatency(keel, Path.Combine(scratch, "filter"))) yield return row;
        yield return ExecOverhead(keel, Path.Combine(scratch, "exec"));
    }

    private static TrackingBenchRow MetricThroughput(string dir, int rows)
    {
        using (Workspace.Init(dir, TimeProvider.System))
        {
        }
        // Warm both paths (JIT tiers, SQLite page cache) before measuring, then alternate them.
        var (_, warmId) = SdkRate(dir, rows / 10);
        RawRate(dir, warmId, rows / 10);
        var sdk = new List<double>();
        var raw = new List<double>();
        for (var round = 0; round < 3; round++)
        {
            var (rate, id) = SdkRate(dir, rows);
            sdk.Add(rate);
            raw.Add(RawRate(dir, id, rows));
        }
        return new TrackingBenchRow("SDK LogMetric throughput", Median(sdk), "rows/s", Median(raw), "raw batched SQLite insert",
            $"{rows:N0} rows, 10 keys, batches of 1,000, median of 3 alternating rounds; target >= 50% of the baseline");
    }

    private static (double Rate, string RunId) SdkRate(string dir, int rows)
    {
        var options = new KeelRunOptions { Workspace = dir, FlushInterval = TimeSpan.FromHours(1) };
        var run = KeelRun.StartAsync("bench", options).GetAwaiter().GetResult();
        var keys = Enumerable.Range(0, 10).Select(k => "m" + k.ToString(CultureInfo.InvariantCulture)).ToArray();
        var sw = Stopwatch.StartNew();
        for (var i = 0; i < rows; i++) run.LogMetric(keys[i % 10], i * 0.001, i / 10);
        run.FlushAsync().GetAwaiter().GetResult();
        var rate = rows / sw.Elapsed.TotalSeconds;
        var id = run.Id.ToString();
        run.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return (rate, id);
    }

    /// <summary>The baseline: the same rows into the same table and run, prepared statement, 1,000-row transactions.</summary>
    private static double RawRate(string dir, string id, int rows)
    {
        using var db = SqliteDatabase.Open(Path.Combine(dir, ".keel", "keel.db"));
        var keys = Enumerable.Range(0, 10).Select(k => "m" + k.ToString(CultureInfo.InvariantCulture)).ToArray();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var sw = Stopwatch.StartNew();
        for (var start = 0; start < rows; start += 1000)
        {
            db.Write(tx =>
            {
                using var cmd = db.Command("INSERT INTO run_metrics(run_id, key, value, step, timestamp) VALUES ($r, $k, $v, $s, $t)", tx);
                var pr = cmd.Parameters.Add("$r", Microsoft.Data.Sqlite.SqliteType.Text);
                var pk = cmd.Parameters.Add("$k", Microsoft.Data.Sqlite.SqliteType.Text);
                var pv = cmd.Parameters.Add("$v", Microsoft.Data.Sqlite.SqliteType.Real);
                var ps = cmd.Parameters.Add("$s", Microsoft.Data.Sqlite.SqliteType.Integer);
                var pt = cmd.Parameters.Add("$t", Microsoft.Data.Sqlite.SqliteType.Integer);
                pr.Value = id;
                pt.Value = now;
                for (var i = start; i < Math.Min(rows, start + 1000); i++)
                {
                    pk.Value = keys[i % 10];
                    pv.Value = i * 0.001;
                    ps.Value = i / 10;
                    cmd.ExecuteNonQuery();
                }
                return 0;
            });
        }
        return rows / sw.Elapsed.TotalSeconds;
    }

    private static IEnumerable<TrackingBenchRow> FilterLatency(string dir, string root)
    {
        const int runs = 10_000, keys = 100;
        const string filter = "metrics.m7 > 0.5 and params.trainer = 'lightgbm'";
        foreach (var steps in new[] { 1, 10 })
        {
            var ws = Path.Combine(root, $"steps{steps}");
            using (Workspace.Init(ws, TimeProvider.System))
            {
            }
            Populate(Path.Combine(ws, ".keel", "keel.db"), runs, keys, steps);
            var times = Enumerable.Range(0, 7).Select(_ => Time(dir, ws, "runs", "list", "--filter", filter, "--limit", "50")).ToList();
            var baseline = Enumerable.Range(0, 7).Select(_ => Time(dir, ws, "runs", "list", "--filter", "name = 'none'", "--limit", "50")).ToList();
            yield return new TrackingBenchRow(
                $"keel runs list --filter, {runs:N0} runs x {keys} metrics x {steps} step(s) ({(long)runs * keys * steps:N0} history rows)",
                Median(times), "ms", Median(baseline), "same command, filter on name only",
                "median of 7 process runs, process start included; target < 300 ms and flat across history length");
            yield return new TrackingBenchRow($"  same filter in-process (RunStore.QueryAsync), {steps} step(s)", InProcessQuery(ws, filter), "ms", null, null, "median of 7 after one warm-up");
        }
    }

    private static double InProcessQuery(string ws, string filter)
    {
        using var workspace = Workspace.Open(ws, TimeProvider.System);
        var query = new Keel.Tracking.Filters.RunQuery(null, Keel.Tracking.Filters.FilterParser.Parse(filter), Keel.Tracking.Filters.RunSort.Default, 50);
        var times = new List<double>();
        for (var i = 0; i < 8; i++)
        {
            var sw = Stopwatch.StartNew();
            var found = workspace.Metadata.Runs.QueryAsync(query, CancellationToken.None).GetAwaiter().GetResult();
            if (found.Count == 0) throw new InvalidOperationException("the bench filter matched nothing");
            if (i > 0) times.Add(sw.Elapsed.TotalMilliseconds);
        }
        return Median(times);
    }

    /// <summary>Bulk-fills runs, params and metric history with SQL, then the latest-value table from the history.</summary>
    private static void Populate(string file, int runs, int keys, int steps)
    {
        using var db = SqliteDatabase.Open(file);
        var t0 = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        db.Write(tx =>
        {
            using var cmd = db.Command($"""
                WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {runs - 1})
                INSERT INTO runs(id, name, kind, status, started_at, ended_at, heartbeat_at, user_name, host, seed, git_dirty, git_diff_bytes, git_skipped)
                SELECT printf('%032x', i), 'run' || i, 'exec', 'finished', {t0} + i, {t0} + i + 1, {t0} + i, 'bench', 'bench', i, 0, 0, '[]' FROM n;
                INSERT INTO run_params(run_id, key, value) SELECT id, 'trainer', CASE WHEN seed % 2 = 0 THEN 'lightgbm' ELSE 'fasttree' END FROM runs;
                WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < {keys - 1}),
                               s(t) AS (SELECT 0 UNION ALL SELECT t + 1 FROM s WHERE t < {steps - 1})
                INSERT INTO run_metrics(run_id, key, value, step, timestamp)
                SELECT r.id, 'm' || k.j, ((r.seed * 7919 + k.j * 104729 + s.t * 31) % 1000) / 1000.0, s.t, {t0} FROM runs r, k, s;
                INSERT INTO run_latest_metrics(run_id, key, value, step, timestamp)
                SELECT run_id, key, value, step, timestamp FROM run_metrics WHERE step = {steps - 1};
                """, tx);
            cmd.CommandTimeout = 0;
            cmd.ExecuteNonQuery();
            return 0;
        });
    }

    private static TrackingBenchRow ExecOverhead(string keel, string dir)
    {
        Directory.CreateDirectory(dir);
        Process.Start(new ProcessStartInfo("git", ["init", "-q", dir]))!.WaitForExit();
        File.WriteAllText(Path.Combine(dir, "train.py"), "print('hi')\n");
        using (Workspace.Init(dir, TimeProvider.System))
        {
        }
        var direct = Enumerable.Range(0, 11).Select(_ => Time("true", dir)).ToList();
        var tracked = Enumerable.Range(0, 11).Select(_ => Time(keel, dir, "exec", "--", "true")).ToList();
        return new TrackingBenchRow("keel exec -- true", Median(tracked), "ms", Median(direct), "true run directly",
            "median of 11; includes .NET start, git and environment capture, SQLite run + lineage, log objects; dirty git tree with 1 untracked file");
    }

    private static double Time(string file, string cwd, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        var ms = sw.Elapsed.TotalMilliseconds;
        if (p.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.ExitCode}");
        return ms;
    }

    private static double Median(List<double> xs)
    {
        var sorted = xs.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
