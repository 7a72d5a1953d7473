using Keel.Objects;
using Keel.S3;
using Keel.Team.Tests.Infrastructure;

namespace Keel.Team.Tests.Conformance;

/// <summary>Each client has its own read cache, as two machines would.</summary>
[RequiresService("KEEL_TEST_S3")]
public sealed class S3ObjectStoreConformance : ObjectStoreConformance
{
    private readonly string _uri = Services.NewS3Bucket();

    protected override IObjectStore OpenStore(string clientName) => new S3ObjectStore(_uri, Dir.File("cache-" + clientName));
}
