using Keel.Tracking;

namespace Keel.Monitoring.Actions;

/// <summary>Writes the monitored production data into a folder, as training data for the retraining pipeline.</summary>
public interface IProductionSnapshot
{
    /// <summary>Writes the snapshot into <paramref name="directory"/>; says what it wrote and which recorded artifacts it came from.</summary>
    Task<SnapshotResult> WriteAsync(string directory, CancellationToken cancellationToken);
}

/// <summary>What a snapshot wrote (one line for the log) and its sources, logged as the monitor run's inputs so lineage leads back to them.</summary>
public sealed record SnapshotResult(string Summary, IReadOnlyList<RunInput> Sources);
