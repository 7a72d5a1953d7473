using System.Globalization;
using Keel.Tracking.Filters;
using Microsoft.Data.Sqlite;

namespace Keel.Metadata.Sqlite;

/// <summary>
/// Compiles a run filter to SQL. A metric condition reads run_latest_metrics (one row per
/// run and key), so the cost does not depend on how long metric histories are.
/// </summary>
internal static class SqliteRunFilter
{
    public static string Compile(RunFilter filter, SqliteCommand cmd) => filter switch
    {
        RunFilterAnd a => $"({Compile(a.Left, cmd)}) AND ({Compile(a.Right, cmd)})",
        RunFilterOr o => $"({Compile(o.Left, cmd)}) OR ({Compile(o.Right, cmd)})",
        RunFilterNot n => $"NOT ({Compile(n.Inner, cmd)})",
        RunFilterComparison c => Comparison(c, cmd),
        _ => throw new ArgumentException($"unknown filter node {filter.GetType().Name}", nameof(filter)),
    };

    public static string OrderBy(RunSort sort, SqliteCommand cmd)
    {
        var expr = Value(sort.Field, cmd, out _);
        var dir = sort.Descending ? "DESC" : "ASC";
        // started_at is never null: a plain ORDER BY lets the index stop the scan at LIMIT.
        if (sort.Field is { Scope: FieldScope.Attribute, Name: "started_at" or "id" or "name" or "status" or "kind" or "seed" or "host" or "user" }) return $"{expr} {dir}, r.id {dir}";
        return $"({expr}) IS NULL, {expr} {dir}, r.id {dir}";
    }

    private static string Comparison(RunFilterComparison c, SqliteCommand cmd)
    {
        var op = c.Op switch
        {
            CompareOp.Equal => "=",
            CompareOp.NotEqual => "!=",
            CompareOp.Less => "<",
            CompareOp.LessOrEqual => "<=",
            CompareOp.Greater => ">",
            _ => ">=",
        };
        var value = Parameter(cmd, Literal(c));
        switch (c.Field.Scope)
        {
            case FieldScope.Metric:
                // Evaluated once through the (key, value) index: cost follows the runs having this key, never history length.
                return $"r.id IN (SELECT m.run_id FROM run_latest_metrics m WHERE m.key = {Parameter(cmd, c.Field.Name)} AND m.value {op} {value})";
            case FieldScope.Param:
            case FieldScope.Tag:
                var table = c.Field.Scope == FieldScope.Param ? "run_params" : "run_tags";
                // A number compares numerically (params are stored as text); a string compares as text.
                var column = c.Value is double ? "CAST(p.value AS REAL)" : "p.value";
                return $"r.id IN (SELECT p.run_id FROM {table} p WHERE p.key = {Parameter(cmd, c.Field.Name)} AND {column} {op} {value})";
            default:
                return $"{Value(c.Field, cmd, out _)} {op} {value}";
        }
    }

    private static object Literal(RunFilterComparison c)
    {
        if (c.Field.Scope == FieldScope.Attribute && c.Field.Name is "started_at" or "ended_at" && c.Value is string s)
        {
            if (!DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t))
                throw new KeelException($"filter: '{s}' is not a time; write e.g. '2026-11-26' or '2026-11-26T10:00:00Z'");
            return t.ToUnixTimeMilliseconds();
        }
        if (c.Field.Scope == FieldScope.Attribute && c.Field.Name == "id" && c.Value is string id) return id.ToLowerInvariant();
        return c.Value;
    }

    private static string Value(RunField field, SqliteCommand cmd, out bool numeric)
    {
        numeric = false;
        switch (field.Scope)
        {
            case FieldScope.Metric:
                numeric = true;
                return $"(SELECT value FROM run_latest_metrics WHERE run_id = r.id AND key = {Parameter(cmd, field.Name)})";
            case FieldScope.Param:
                return $"(SELECT value FROM run_params WHERE run_id = r.id AND key = {Parameter(cmd, field.Name)})";
            case FieldScope.Tag:
                return $"(SELECT value FROM run_tags WHERE run_id = r.id AND key = {Parameter(cmd, field.Name)})";
            default:
                return "r." + field.Name switch
                {
                    "user" => "user_name",
                    var n => n,
                };
        }
    }

    private static string Parameter(SqliteCommand cmd, object value)
    {
        var name = "$f" + cmd.Parameters.Count.ToString(CultureInfo.InvariantCulture);
        cmd.Parameters.AddWithValue(name, value);
        return name;
    }
}
