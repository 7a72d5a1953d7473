using System.Text.Json;
using Keel.Objects;
using Keel.Tracking;
using System.Data.Common;

namespace Keel.Metadata;

/// <summary>The runs table's columns and how a row becomes a <see cref="Run"/>, for every SQL backend (same layout).</summary>
internal static class RunRows
{
    public const string Columns =
        "r.id, r.name, r.experiment, r.kind, r.status, r.started_at, r.ended_at, r.heartbeat_at, r.user_name, r.host, r.pid, r.process_start, " +
        "r.command, r.exit_code, r.seed, r.git_commit, r.git_branch, r.git_remote, r.git_dirty, r.git_diff, r.git_diff_bytes, r.git_skipped, " +
        "r.env_digest, r.cpu_seconds, r.peak_memory_bytes, r.wall_seconds, r.end_reason";

    public static Run Read(DbDataReader r)
    {
        var git = new GitState(
            Str(r, 15), Str(r, 16), Str(r, 17), r.GetBoolean(18),
            Str(r, 19) is { } d ? Digest.Parse(d) : null,
            r.GetInt64(20),
            JsonSerializer.Deserialize<List<string>>(r.GetString(21)) ?? []);
        var ended = r.IsDBNull(6) ? (DateTimeOffset?)null : Ms(r.GetInt64(6));
        var resources = ended is null && r.IsDBNull(25)
            ? null
            : new RunResources(
                r.IsDBNull(23) ? null : r.GetDouble(23),
                r.IsDBNull(24) ? null : r.GetInt64(24),
                r.IsDBNull(25) ? 0 : r.GetDouble(25));
        return new Run(
            RunId.Parse(r.GetString(0)),
            r.GetString(1),
            Str(r, 2),
            r.GetString(3),
            RunStatusNames.Parse(r.GetString(4)),
            Ms(r.GetInt64(5)),
            ended,
            Ms(r.GetInt64(7)),
            r.GetString(8),
            r.GetString(9),
            r.IsDBNull(10) ? null : r.GetInt32(10),
            r.IsDBNull(11) ? null : r.GetInt64(11),
            Str(r, 12),
            r.IsDBNull(13) ? null : r.GetInt32(13),
            r.GetInt64(14),
            git,
            Str(r, 22) is { } e ? Digest.Parse(e) : null,
            resources,
            Str(r, 26));
    }

    /// <summary>NULL in a metric value column means NaN: SQLite cannot store NaN, and PostgreSQL follows the same rule.</summary>
    public static double MetricValue(DbDataReader r, int ordinal) => r.IsDBNull(ordinal) ? double.NaN : r.GetDouble(ordinal);


    public static DateTimeOffset Ms(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private static string? Str(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
}
