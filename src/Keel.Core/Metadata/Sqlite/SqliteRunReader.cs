using Keel.Objects;
using Keel.Tracking;
using Keel.Tracking.Filters;
using Microsoft.Data.Sqlite;

namespace Keel.Metadata.Sqlite;

/// <summary>The read side of the run store.</summary>
internal sealed class SqliteRunReader(SqliteDatabase db)
{
    public Run? Get(RunId id, SqliteTransaction? tx)
    {
        using var cmd = db.Command($"SELECT {RunRows.Columns} FROM runs r WHERE r.id = $id", tx);
        cmd.Parameters.AddWithValue("$id", id.ToString());
        using var r = cmd.ExecuteReader();
        return r.Read() ? RunRows.Read(r) : null;
    }

    public IReadOnlyList<RunId> FindByPrefix(string prefix, int limit)
    {
        // Ids are lower-case hex, so a prefix is a range scan on the primary key.
        using var cmd = db.Command("SELECT id FROM runs WHERE id >= $lo AND id < $hi ORDER BY id LIMIT $n");
        var lo = prefix.ToLowerInvariant();
        cmd.Parameters.AddWithValue("$lo", lo);
        cmd.Parameters.AddWithValue("$hi", lo + "~");
        cmd.Parameters.AddWithValue("$n", limit);
        using var r = cmd.ExecuteReader();
        var ids = new List<RunId>();
        while (r.Read()) ids.Add(RunId.Parse(r.GetString(0)));
        return ids;
    }

    public RunDetail? Detail(RunId id, SqliteTransaction? tx)
    {
        var run = Get(id, tx);
        if (run is null) return null;
        var key = id.ToString();
        var parameters = Pairs("SELECT key, value FROM run_params WHERE run_id = $r ORDER BY key", key, tx);
        var tags = Pairs("SELECT key, value FROM run_tags WHERE run_id = $r ORDER BY key", key, tx);
        var latest = new SortedDictionary<string, MetricPoint>(StringComparer.Ordinal);
        using (var cmd = db.Command("SELECT key, value, step, timestamp FROM run_latest_metrics WHERE run_id = $r", tx))
        {
            cmd.Parameters.AddWithValue("$r", key);
            using var r = cmd.ExecuteReader();
            while (r.Read())
                latest[r.GetString(0)] = new MetricPoint(r.GetString(0), RunRows.MetricValue(r, 1), r.GetInt64(2), RunRows.Ms(r.GetInt64(3)));
        }
        var inputs = new List<RunInput>();
        using (var cmd = db.Command("SELECT ref, digest, is_manifest, role FROM run_inputs WHERE run_id = $r ORDER BY rowid", tx))
        {
            cmd.Parameters.AddWithValue("$r", key);
            using var r = cmd.ExecuteReader();
            while (r.Read()) inputs.Add(new RunInput(r.GetString(0), Digest.Parse(r.GetString(1)), r.GetInt64(2) != 0, r.GetString(3)));
        }
        var outputs = new List<RunOutput>();
        using (var cmd = db.Command("SELECT name, kind, digest, is_manifest, bytes FROM run_outputs WHERE run_id = $r ORDER BY rowid", tx))
        {
            cmd.Parameters.AddWithValue("$r", key);
            using var r = cmd.ExecuteReader();
            while (r.Read()) outputs.Add(new RunOutput(r.GetString(0), r.GetString(1), Digest.Parse(r.GetString(2)), r.GetInt64(3) != 0, r.GetInt64(4)));
        }
        return new RunDetail(run, parameters, latest, tags, inputs, outputs);
    }

    public IReadOnlyList<MetricPoint> History(RunId id, string key)
    {
        using var cmd = db.Command("SELECT value, step, timestamp FROM run_metrics WHERE run_id = $r AND key = $k ORDER BY step, timestamp, rowid");
        cmd.Parameters.AddWithValue("$r", id.ToString());
        cmd.Parameters.AddWithValue("$k", key);
        using var r = cmd.ExecuteReader();
        var list = new List<MetricPoint>();
        while (r.Read()) list.Add(new MetricPoint(key, RunRows.MetricValue(r, 0), r.GetInt64(1), RunRows.Ms(r.GetInt64(2))));
        return list;
    }

    public IReadOnlyList<Run> Query(RunQuery query)
    {
        using var cmd = db.Command("");
        var where = new List<string>();
        if (query.Experiment is not null)
        {
            where.Add("r.experiment = $experiment");
            cmd.Parameters.AddWithValue("$experiment", query.Experiment);
        }
        if (query.Filter is not null) where.Add(SqliteRunFilter.Compile(query.Filter, cmd));
        var order = SqliteRunFilter.OrderBy(query.Sort, cmd);
        cmd.CommandText = $"SELECT {RunRows.Columns} FROM runs r"
            + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where.Select(w => "(" + w + ")")) : "")
            + $" ORDER BY {order} LIMIT $limit";
        cmd.Parameters.AddWithValue("$limit", query.Limit);
        using var r = cmd.ExecuteReader();
        var list = new List<Run>();
        while (r.Read()) list.Add(RunRows.Read(r));
        return list;
    }

    private SortedDictionary<string, string> Pairs(string sql, string run, SqliteTransaction? tx)
    {
        using var cmd = db.Command(sql, tx);
        cmd.Parameters.AddWithValue("$r", run);
        using var r = cmd.ExecuteReader();
        var map = new SortedDictionary<string, string>(StringComparer.Ordinal);
        while (r.Read()) map[r.GetString(0)] = r.GetString(1);
        return map;
    }
}
