using Keel.Objects;

namespace Keel.Team.Tests.Conformance;

public sealed class LocalObjectStoreConformance : ObjectStoreConformance
{
    protected override IObjectStore OpenStore(string clientName) => new LocalObjectStore(Dir.File("objects"));
}
