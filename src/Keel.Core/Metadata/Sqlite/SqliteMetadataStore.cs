namespace Keel.Metadata.Sqlite;

internal sealed class SqliteMetadataStore : IMetadataStore
{
    private readonly SqliteDatabase _db;

    public SqliteMetadataStore(string file, TimeProvider? time = null)
    {
        _db = SqliteDatabase.Open(file);
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
