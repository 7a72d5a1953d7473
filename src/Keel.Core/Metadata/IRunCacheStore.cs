using Keel.Objects;

namespace Keel.Metadata;

/// <summary>An output remembered for a recipe: enough to restore it without running.</summary>
public sealed record CachedOutput(string Path, Digest Digest, TreeKind Kind, long Bytes, long Files, string OutKind);

/// <summary>The run cache: recipe digest to the outputs a successful run produced.</summary>
public interface IRunCacheStore
{
    /// <summary>The outputs recorded for a recipe, or null when it was never run successfully.</summary>
    Task<IReadOnlyList<CachedOutput>?> FindAsync(Digest recipe, CancellationToken cancellationToken);

    /// <summary>Records (or replaces) the outputs of a recipe.</summary>
    Task SaveAsync(Digest recipe, string? runId, IReadOnlyList<CachedOutput> outputs, CancellationToken cancellationToken);
}
