using Keel.Metadata;
using Npgsql;
using NpgsqlTypes;

namespace Keel.Postgres;

/// <summary>How values are written to PostgreSQL (reading rows is <see cref="RunRows"/>, shared with SQLite).</summary>
internal static class PostgresRunRows
{
    public static NpgsqlParameter MetricParameter(double value) =>
        new() { NpgsqlDbType = NpgsqlDbType.Double, Value = double.IsNaN(value) ? DBNull.Value : value };

    public static NpgsqlParameter Nullable<T>(T? value, NpgsqlDbType type) where T : struct =>
        new() { NpgsqlDbType = type, Value = value is { } v ? v : DBNull.Value };
}
