using System.Globalization;
using Keel.Tracking.Filters;

namespace Keel.Metadata;

/// <summary>What a run filter's SQL differs by between databases.</summary>
/// <param name="NotEqual">The inequality operator.</param>
/// <param name="AsNumber">A text column read as a number (null when it is not one).</param>
/// <param name="Parameter">Binds a value to the command and returns its placeholder.</param>
internal sealed record RunFilterDialect(string NotEqual, Func<string, string> AsNumber, Func<object, string> Parameter);

/// <summary>
/// Compiles a run filter to SQL for either backend. A metric condition reads
/// run_latest_metrics (one row per run and key), so the cost does not depend on how long
/// metric histories are.
/// </summary>
internal static class RunFilterSql
{
    public static string Compile(RunFilter filter, RunFilterDialect sql) => filter switch
    {
        RunFilterAnd a => $"({Compile(a.Left, sql)}) AND ({Compile(a.Right, sql)})",
        RunFilterOr o => $"({Compile(o.Left, sql)}) OR ({Compile(o.Right, sql)})",
        RunFilterNot n => $"NOT ({Compile(n.Inner, sql)})",
        RunFilterComparison c => Comparison(c, sql),
        _ => throw new ArgumentException($"unknown filter node {filter.GetType().Name}", nameof(filter)),
    };

    public static string OrderBy(RunSort sort, RunFilterDialect sql)
    {
        var expr = Value(sort.Field, sql);
        var dir = sort.Descending ? "DESC" : "ASC";
        // started_at is never null: a plain ORDER BY lets the index stop the scan at LIMIT.
        if (sort.Field is { Scope: FieldScope.Attribute, Name: "started_at" or "id" or "name" or "status" or "kind" or "seed" or "host" or "user" }) return $"{expr} {dir}, r.id {dir}";
        return $"({expr}) IS NULL, {expr} {dir}, r.id {dir}";
    }

    private static string Comparison(RunFilterComparison c, RunFilterDialect sql)
    {
        var op = c.Op switch
        {
            CompareOp.Equal => "=",
            CompareOp.NotEqual => sql.NotEqual,
            CompareOp.Less => "<",
            CompareOp.LessOrEqual => "<=",
            CompareOp.Greater => ">",
            _ => ">=",
        };
        var value = sql.Parameter(Literal(c));
        switch (c.Field.Scope)
        {
            case FieldScope.Metric:
                // Evaluated once through the (key, value) index: cost follows the runs having this key, never history length.
                return $"r.id IN (SELECT m.run_id FROM run_latest_metrics m WHERE m.key = {sql.Parameter(c.Field.Name)} AND m.value {op} {value})";
            case FieldScope.Param:
            case FieldScope.Tag:
                var table = c.Field.Scope == FieldScope.Param ? "run_params" : "run_tags";
                // A number compares numerically (params are stored as text); a string compares as text.
                var column = c.Value is double ? sql.AsNumber("p.value") : "p.value";
                return $"r.id IN (SELECT p.run_id FROM {table} p WHERE p.key = {sql.Parameter(c.Field.Name)} AND {column} {op} {value})";
            default:
                return $"{Value(c.Field, sql)} {op} {value}";
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

    private static string Value(RunField field, RunFilterDialect sql) => field.Scope switch
    {
        FieldScope.Metric => $"(SELECT value FROM run_latest_metrics WHERE run_id = r.id AND key = {sql.Parameter(field.Name)})",
        FieldScope.Param => $"(SELECT value FROM run_params WHERE run_id = r.id AND key = {sql.Parameter(field.Name)})",
        FieldScope.Tag => $"(SELECT value FROM run_tags WHERE run_id = r.id AND key = {sql.Parameter(field.Name)})",
        _ => "r." + field.Name switch
        {
            "user" => "user_name",
            var n => n,
        },
    };
}
