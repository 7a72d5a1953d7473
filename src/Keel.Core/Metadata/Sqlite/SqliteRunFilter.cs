using System.Globalization;
using Keel.Tracking.Filters;
using Microsoft.Data.Sqlite;

namespace Keel.Metadata.Sqlite;

/// <summary>A run filter in SQLite's SQL (<see cref="RunFilterSql"/>), with <c>$f0</c>, <c>$f1</c>... parameters.</summary>
internal static class SqliteRunFilter
{
    public static string Compile(RunFilter filter, SqliteCommand cmd) => RunFilterSql.Compile(filter, Dialect(cmd));

    public static string OrderBy(RunSort sort, SqliteCommand cmd) => RunFilterSql.OrderBy(sort, Dialect(cmd));

    private static RunFilterDialect Dialect(SqliteCommand cmd) =>
        new("!=", column => $"CAST({column} AS REAL)", value => Parameter(cmd, value));

    private static string Parameter(SqliteCommand cmd, object value)
    {
        var name = "$f" + cmd.Parameters.Count.ToString(CultureInfo.InvariantCulture);
        cmd.Parameters.AddWithValue(name, value);
        return name;
    }
}
