using Keel.Tracking;
using Keel.Tracking.Filters;

namespace Keel.Metadata;

/// <summary>Runs and everything recorded for them. Every write is one transaction; only running runs accept records.</summary>
public interface IRunStore
{
    /// <summary>Opens a run in the running state.</summary>
    Task<Run> CreateAsync(NewRun run, CancellationToken cancellationToken);

    /// <summary>A run by id, or null.</summary>
    Task<Run?> GetAsync(RunId id, CancellationToken cancellationToken);

    /// <summary>Ids starting with <paramref name="prefix"/> (hex), at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<RunId>> FindByPrefixAsync(string prefix, int limit, CancellationToken cancellationToken);

    /// <summary>Writes params (once each), metrics, tags, inputs and outputs atomically; fails when the run is not running.</summary>
    Task LogAsync(RunId id, RunBatch batch, CancellationToken cancellationToken);

    /// <summary>Records that the run's owner is alive.</summary>
    Task HeartbeatAsync(RunId id, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Ends a running run and writes its lineage in the same transaction; fails when it already ended.</summary>
    Task<Run> FinishAsync(RunId id, RunCompletion completion, CancellationToken cancellationToken);

    /// <summary>A run with its params, latest metrics, tags, inputs and outputs.</summary>
    Task<RunDetail?> GetDetailAsync(RunId id, CancellationToken cancellationToken);

    /// <summary>Every value of one metric, by step then time.</summary>
    Task<IReadOnlyList<MetricPoint>> MetricHistoryAsync(RunId id, string key, CancellationToken cancellationToken);

    /// <summary>Runs matching a query; filters read only the latest value of each metric.</summary>
    Task<IReadOnlyList<Run>> QueryAsync(RunQuery query, CancellationToken cancellationToken);

    /// <summary>Every run still marked running (for the dead-run check).</summary>
    Task<IReadOnlyList<Run>> ListRunningAsync(CancellationToken cancellationToken);
}
