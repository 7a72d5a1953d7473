namespace Keel.Metadata.Sqlite;

internal sealed class SqliteMetadataStore : IMetadataStore
{
    private readonly SqliteDatabase _db;

    /// <param name="anchorFile">The file that keeps a copy of the lineage log's head (a workspace's <c>.keel/lineage-head</c>), or null.</param>
    public SqliteMetadataStore(string file, TimeProvider? time = null, string? anchorFile = null)
    {
        _db = SqliteDatabase.Open(file, time, anchorFile is null ? null : new Lineage.LineageHeadAnchor(anchorFile));
        var lineage = new SqliteLineageStore(_db);
        Lineage = lineage;
        Datasets = new SqliteDatasetStore(_db, lineage);
        References = new SqliteObjectReferences(_db);
        RunCache = new SqliteRunCacheStore(_db, time ?? TimeProvider.System);
        LineageCatalog = new SqliteLineageCatalog(_db);
        Runs = new SqliteRunStore(_db, lineage);
        Models = new SqliteModelRegistry(_db, lineage);
    }

    public Lineage.ILineageStore Lineage { get; }

    public IRunCacheStore RunCache { get; }

    public Lineage.ILineageCatalog LineageCatalog { get; }

    public IDatasetStore Datasets { get; }

    public IModelRegistry Models { get; }

    public IObjectReferences References { get; }

    public IRunStore Runs { get; }

    internal SqliteDatabase Database => _db;

    public void Dispose() => _db.Dispose();
}
