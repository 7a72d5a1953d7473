using System.Text.Json;
using Keel.Metadata;

namespace Keel.Lineage;

/// <summary>How a dataset version appears in the graph: an artifact of kind <c>data</c> labelled <c>name@N</c>.</summary>
public static class DatasetLineage
{
    public static NewLineageNode NodeFor(NewDatasetVersion v, int version) => new(
        NodeType.Artifact,
        "data",
        $"{v.Name}@{version}",
        v.Digest,
        null,
        v.CreatedAt,
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["path"] = v.Path,
            ["files"] = v.Files,
            ["bytes"] = v.Bytes,
            ["message"] = v.Message,
            ["user"] = v.User,
            ["host"] = v.Host,
        }),
        []);
}
