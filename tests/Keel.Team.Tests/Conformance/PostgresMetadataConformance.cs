using Keel.Metadata;
using Keel.Postgres;
using Keel.Team.Tests.Infrastructure;

namespace Keel.Team.Tests.Conformance;

[RequiresService("KEEL_TEST_POSTGRES")]
public sealed class PostgresMetadataConformance : MetadataConformance
{
    private readonly string _uri = Services.NewPostgresDatabase();

    protected override IMetadataStore OpenStore() => new PostgresMetadataStore(_uri, TimeProvider.System);
}
