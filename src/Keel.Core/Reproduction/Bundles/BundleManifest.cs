using Keel.Lineage;

namespace Keel.Reproduction.Bundles;

/// <summary>One file of a bundle besides the manifest: its path inside the bundle, size and BLAKE3 digest.</summary>
public sealed record BundleEntry(string Path, long Size, string Blake3);

/// <summary>
/// <c>manifest.json</c>, the first entry of a bundle: what it holds and every other entry's size
/// and digest, plus the lineage roots of the runs it carries (recomputed on import).
/// </summary>
public sealed record BundleManifest(
    string Format,
    string Subject,
    string? SubjectDigest,
    bool WithData,
    DateTimeOffset CreatedAt,
    IReadOnlyList<string> Commits,
    IReadOnlyList<BundleEntry> Entries,
    IReadOnlyDictionary<string, string> LineageRoots)
{
    public const string CurrentFormat = "keel-bundle 1";
    public const string PayloadType = "application/vnd.keel.bundle-manifest+json";
}

/// <summary><c>metadata/lineage.json</c>: the subgraph a bundle carries, nodes in id order.</summary>
public sealed record BundleLineage(IReadOnlyList<LineageNode> Nodes, IReadOnlyList<LineageEdge> Edges);
