using System.Globalization;
using Keel.Tracking;

namespace Keel.Cli.Commands;

/// <summary>The --json shapes of runs, shared by the tracking verbs (documented in docs/tracking.md).</summary>
internal static class TrackingJson
{
    public static object Run(Run r) => new
    {
        id = r.Id.ToString(),
        name = r.Name,
        experiment = r.Experiment,
        kind = r.Kind,
        status = RunStatusNames.Name(r.Status),
        started_at = r.StartedAt,
        ended_at = r.EndedAt,
        heartbeat_at = r.Heartbeat,
        user = r.User,
        host = r.Host,
        pid = r.Pid,
        command = r.Command,
        exit_code = r.ExitCode,
        end_reason = r.EndReason,
        seed = r.Seed,
        git = new
        {
            commit = r.Git.Commit,
            branch = r.Git.Branch,
            remote = r.Git.Remote,
            dirty = r.Git.Dirty,
            diff = r.Git.Diff?.ToString(),
            diff_bytes = r.Git.DiffBytes,
            skipped_untracked = r.Git.SkippedUntracked,
        },
        environment = r.Environment?.ToString(),
        resources = r.Resources is null ? null : new
        {
            cpu_seconds = r.Resources.CpuSeconds,
            peak_memory_bytes = r.Resources.PeakMemoryBytes,
            wall_seconds = r.Resources.WallSeconds,
        },
    };

    public static object Detail(RunDetail d) => new
    {
        run = Run(d.Run),
        @params = d.Params,
        metrics = d.LatestMetrics.Values.Select(Metric),
        tags = d.Tags,
        inputs = d.Inputs.Select(i => new { @ref = i.Ref, digest = i.Digest.ToString(), is_manifest = i.IsManifest, role = i.Role }),
        outputs = d.Outputs.Select(o => new { name = o.Name, kind = o.Kind, digest = o.Digest.ToString(), is_manifest = o.IsManifest, bytes = o.Bytes }),
    };

    public static object Metric(MetricPoint m) => new { key = m.Key, value = m.Value, step = m.Step, timestamp = m.Timestamp };

    public static string Number(double v) => double.IsNaN(v) ? "NaN" : double.IsPositiveInfinity(v) ? "Infinity" : double.IsNegativeInfinity(v) ? "-Infinity" : v.ToString("G6", CultureInfo.InvariantCulture);

    public static string Duration(Run r) => r.Resources is { } res ? Durations(res.WallSeconds) : "-";

    private static string Durations(double s) => s < 60 ? $"{s:0.0}s" : s < 3600 ? $"{s / 60:0.0}m" : $"{s / 3600:0.0}h";
}
