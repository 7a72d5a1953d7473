namespace Keel.Objects;

/// <summary>
/// A few small mutable blobs by name beside the immutable objects (e.g. a remote job's result),
/// for workers that share no filesystem with the client. Writes replace whole blobs atomically.
/// </summary>
public interface INamedObjects
{
    /// <summary>Writes (or replaces) the blob <paramref name="name"/>.</summary>
    void PutNamed(string name, ReadOnlySpan<byte> bytes);

    /// <summary>The blob's bytes, or null when there is none.</summary>
    byte[]? GetNamed(string name);

    /// <summary>Removes the blob; false when it was not there.</summary>
    bool DeleteNamed(string name);
}
