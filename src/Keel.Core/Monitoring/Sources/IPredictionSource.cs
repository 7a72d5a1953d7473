namespace Keel.Monitoring;

/// <summary>
/// Where captured predictions come from: CSV files today, the server's Parquet capture segments
/// (<c>predictions</c> artifacts) once serving is merged. Batches come in capture order.
/// </summary>
public interface IPredictionSource
{
    /// <summary>A human description for messages and the report (file names, a model name).</summary>
    string Description { get; }

    /// <summary>Reads captured predictions at or after <paramref name="since"/> (all when null).</summary>
    IAsyncEnumerable<PredictionBatch> ReadAsync(DateTimeOffset? since, CancellationToken cancellationToken);
}
