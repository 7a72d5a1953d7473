namespace Keel.Metadata.Sqlite;

/// <summary>How a metric value is written to SQLite (reading rows is <see cref="RunRows"/>).</summary>
internal static class SqliteRunRows
{
    /// <summary>NaN is written as NULL: SQLite cannot store NaN.</summary>
    public static object MetricParameter(double value) => double.IsNaN(value) ? DBNull.Value : value;
}
