using Keel.Lineage;
using Keel.Metadata;

namespace Keel.Postgres;

/// <summary>
/// The metadata contracts over one PostgreSQL database. Adding an aggregate is one store file
/// (taking <see cref="PostgresDatabase"/>) wired here, plus one step in <see cref="PostgresMigrations"/>.
/// </summary>
internal sealed class PostgresMetadataStore : IMetadataStore
{
    private readonly PostgresDatabase _db;

    /// <param name="anchorFile">The file that keeps a copy of the lineage log's head (a workspace's <c>.keel/lineage-head</c>), or null.</param>
    public PostgresMetadataStore(string uri, TimeProvider time, string? anchorFile = null)
    {
        _db = PostgresDatabase.Open(uri, time, anchorFile is null ? null : new LineageHeadAnchor(anchorFile));
        Datasets = new PostgresDatasetStore(_db);
        References = new PostgresObjectReferences(_db);
        Lineage = new PostgresLineageStore(_db);
        RunCache = new PostgresRunCacheStore(_db, time);
        LineageCatalog = new PostgresLineageCatalog(_db);
        Runs = new PostgresRunStore(_db);
        Models = new PostgresModelRegistry(_db);
    }

    public IDatasetStore Datasets { get; }

    public IObjectReferences References { get; }

    public ILineageStore Lineage { get; }

    public IRunCacheStore RunCache { get; }

    public ILineageCatalog LineageCatalog { get; }

    public IRunStore Runs { get; }

    public IModelRegistry Models { get; }

    internal PostgresDatabase Database => _db;

    public void Dispose() => _db.Dispose();
}
