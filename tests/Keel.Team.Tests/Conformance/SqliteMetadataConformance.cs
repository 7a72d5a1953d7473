using Keel.Metadata;
using Keel.Metadata.Sqlite;
using Keel.Team.Tests.Infrastructure;

namespace Keel.Team.Tests.Conformance;

public sealed class SqliteMetadataConformance : MetadataConformance
{
    private readonly TempDir _dir = new();

    protected override IMetadataStore OpenStore() => new SqliteMetadataStore(_dir.File("keel.db"));

    protected override void DisposeBackend() => _dir.Dispose();
}
