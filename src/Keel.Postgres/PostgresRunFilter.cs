using System.Globalization;
using Keel.Tracking.Filters;
using Npgsql;

namespace Keel.Postgres;

/// <summary>
/// Compiles a run filter to PostgreSQL (named parameters <c>@p0</c>, <c>@p1</c>...), with the
/// semantics of the SQLite compiler: a metric condition reads run_latest_metrics (one row per run
/// and key), so the cost does not depend on how long metric histories are.
/// </summary>
internal static class PostgresRunFilter
{
    // A param or tag compared with a number is compared numerically; text that is not a number
    // never matches (SQLite would read it as 0; PostgreSQL would fail the cast).
    private const string NumericPattern = @"^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$";

    public static string Compile(RunFilter filter, NpgsqlCommand cmd) => filter switch
    {
        RunFilterAnd a => $"({Compile(a.Left, cmd)}) AND ({Compile(a.Right, cmd)})",
        RunFilterOr o => $"({Compile(o.Left, cmd)}) OR ({Compile(o.Right, cmd)})",
        RunFilterNot n => $"NOT ({Compile(n.Inner, cmd)})",
        RunFilterComparison c => Comparison(c, cmd),
        _ => throw new ArgumentException($"unknown filter node {filter.GetType().Name}", nameof(filter)),
    };

    public static string OrderBy(RunSort sort, NpgsqlCommand cmd)
    {
        var expr = Value(sort.Field, cmd);
        var dir = sort.Descending ? "DESC" : "ASC";
        if (sort.Field is { Scope: FieldScope.Attribute, Name: "started_at" or "id" or "name" or "status" or "kind" or "seed" or "host" or "user" }) return $"{expr} {dir}, r.id {dir}";
        return $"({expr}) IS NULL, {expr} {dir}, r.id {dir}";
    }

    private static string Comparison(RunFilterComparison c, NpgsqlCommand cmd)
    {
        var op = c.Op switch
        {
            CompareOp.Equal => "=",
            CompareOp.NotEqual => "<>",
            CompareOp.Less => "<",
            CompareOp.LessOrEqual => "<=",
            CompareOp.Greater => ">",
            _ => ">=",
        };
        var value = Parameter(cmd, Literal(c));
        switch (c.Field.Scope)
        {
            case FieldScope.Metric:
                return $"r.id IN (SELECT m.run_id FROM run_latest_metrics m WHERE m.key = {Parameter(cmd, c.Field.Name)} AND m.value {op} {value})";
            case FieldScope.Param:
            case FieldScope.Tag:
                var table = c.Field.Scope == FieldScope.Param ? "run_params" : "run_tags";
                var column = c.Value is double
                    ? $"(CASE WHEN p.value ~ '{NumericPattern}' THEN CAST(p.value AS double precision) END)"
                    : "p.value";
                return $"r.id IN (SELECT p.run_id FROM {table} p WHERE p.key = {Parameter(cmd, c.Field.Name)} AND {column} {op} {value})";
            default:
                return $"{Value(c.Field, cmd)} {op} {value}";
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

    private static string Value(RunField field, NpgsqlCommand cmd) => field.Scope switch
    {
        FieldScope.Metric => $"(SELECT value FROM run_latest_metrics WHERE run_id = r.id AND key = {Parameter(cmd, field.Name)})",
        FieldScope.Param => $"(SELECT value FROM run_params WHERE run_id = r.id AND key = {Parameter(cmd, field.Name)})",
        FieldScope.Tag => $"(SELECT value FROM run_tags WHERE run_id = r.id AND key = {Parameter(cmd, field.Name)})",
        _ => "r." + field.Name switch
        {
            "user" => "user_name",
            var n => n,
        },
    };

    internal static string Parameter(NpgsqlCommand cmd, object value)
    {
        var name = "p" + cmd.Parameters.Count.ToString(CultureInfo.InvariantCulture);
        cmd.Parameters.AddWithValue(name, value);
        return "@" + name;
    }
}
