namespace Keel.Metadata;

/// <summary>Datasets and their numbered versions.</summary>
public interface IDatasetStore
{
    /// <summary>Records the next version of a dataset atomically; concurrent callers get distinct numbers.</summary>
    Task<DatasetVersion> AddVersionAsync(NewDatasetVersion version, CancellationToken cancellationToken);

    /// <summary>A version by number, or the latest when <paramref name="version"/> is null.</summary>
    Task<DatasetVersion?> GetAsync(string name, int? version, CancellationToken cancellationToken);

    /// <summary>The latest version of every dataset, by name.</summary>
    Task<IReadOnlyList<DatasetVersion>> ListLatestAsync(CancellationToken cancellationToken);

    /// <summary>Every version of one dataset, oldest first.</summary>
    Task<IReadOnlyList<DatasetVersion>> HistoryAsync(string name, CancellationToken cancellationToken);
}
