using System.Text.Json;
using Keel.Lineage;
using Keel.Metadata;
using Keel.Objects;

namespace Keel.Core.Tests.Lineage;

public sealed class DatasetLineageTests
{
    public static TheoryData<string, string?, string> Texts() => new()
    {
        { "data/raw", "first cut", "alice" },
        { "données/été <b>&'\"", null, "Zoë" },
        { "x\\y\n\t", "line\u2028sep \U0001F600", "" },
    };

    [Theory]
    [MemberData(nameof(Texts))]
    public void Attributes_SameTextAsTheReflectionSerializer(string path, string? message, string user)
    {
        var v = new NewDatasetVersion("raw", ContentHasher.Hash("x"u8), TreeKind.Directory, path, message,
            DateTimeOffset.UnixEpoch, user, "host-1", 15_000, 257L << 20);

        var expected = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["path"] = v.Path,
            ["files"] = v.Files,
            ["bytes"] = v.Bytes,
            ["message"] = v.Message,
            ["user"] = v.User,
            ["host"] = v.Host,
        });

        Assert.Equal(expected, DatasetLineage.Attributes(v));
    }
}
