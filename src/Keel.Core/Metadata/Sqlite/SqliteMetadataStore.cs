namespace Keel.Metadata.Sqlite;

internal sealed class SqliteMetadataStore : IMetadataStore
{
    private readonly SqliteDatabase _db;

    public SqliteMetadataStore(string file)
    {
        _db = SqliteDatabase.Open(file);
        Datasets = new SqliteDatasetStore(_db);
        References = new SqliteObjectReferences(_db);
    }

    public IDatasetStore Datasets { get; }

    public IObjectReferences References { get; }

    internal SqliteDatabase Database => _db;

    public void Dispose() => _db.Dispose();
}
