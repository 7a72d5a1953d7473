using Keel.Objects;

namespace Keel.Metadata;

/// <summary>Something in the metadata that keeps an object alive: <paramref name="Owner"/> says what, for people.</summary>
public sealed record ObjectReference(Digest Digest, bool IsManifest, string Owner);

/// <summary>Every object the metadata refers to: the roots for gc and fsck.</summary>
public interface IObjectReferences
{
    /// <summary>All references, from every aggregate (datasets, runs, models, ...).</summary>
    Task<IReadOnlyList<ObjectReference>> ListAsync(CancellationToken cancellationToken);
}
