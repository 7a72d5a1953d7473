using System.Globalization;
using Keel.Metadata;
using Keel.Tracking.Filters;
using Npgsql;

namespace Keel.Postgres;

/// <summary>
/// A run filter in PostgreSQL's SQL (<see cref="RunFilterSql"/>, the semantics of the SQLite
/// store), with named parameters <c>@p0</c>, <c>@p1</c>...
/// </summary>
internal static class PostgresRunFilter
{
    // A param or tag compared with a number is compared numerically; text that is not a number
    // never matches (PostgreSQL would fail the cast).
    private const string NumericPattern = @"^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?\s*$";

    public static string Compile(RunFilter filter, NpgsqlCommand cmd) => RunFilterSql.Compile(filter, Dialect(cmd));

    public static string OrderBy(RunSort sort, NpgsqlCommand cmd) => RunFilterSql.OrderBy(sort, Dialect(cmd));

    private static RunFilterDialect Dialect(NpgsqlCommand cmd) =>
        new("<>", column => $"(CASE WHEN {column} ~ '{NumericPattern}' THEN CAST({column} AS double precision) END)", value => Parameter(cmd, value));

    internal static string Parameter(NpgsqlCommand cmd, object value)
    {
        var name = "p" + cmd.Parameters.Count.ToString(CultureInfo.InvariantCulture);
        cmd.Parameters.AddWithValue(name, value);
        return "@" + name;
    }
}
