namespace Keel.Objects;

/// <summary>Immutable bytes named by their digest. Writes are atomic; stored objects never change.</summary>
public interface IObjectStore
{
    /// <summary>True when an object with this digest is stored.</summary>
    bool Contains(Digest digest);

    /// <summary>Stores bytes the caller has hashed to <paramref name="digest"/>; false if already stored.</summary>
    bool Put(Digest digest, ReadOnlySpan<byte> bytes);

    /// <summary>Copies a file the caller has hashed to <paramref name="digest"/>; false if already stored.</summary>
    bool PutFile(Digest digest, string sourcePath);

    /// <summary>
    /// Opens a stored object for reading, hashed as it is read: the read that reaches the end
    /// throws <see cref="ObjectCorruptException"/> when the bytes no longer match the digest.
    /// </summary>
    Stream OpenRead(Digest digest);

    /// <summary>
    /// Writes a copy of the object at <paramref name="destination"/> (never a link the user could
    /// edit), hashed in the same pass; a damaged object throws <see cref="ObjectCorruptException"/>
    /// and leaves nothing at <paramref name="destination"/>.
    /// </summary>
    void CopyTo(Digest digest, string destination);

    /// <summary>The size of a stored object, or null when it is missing.</summary>
    long? SizeOf(Digest digest);

    /// <summary>Every stored digest, in no particular order.</summary>
    IEnumerable<Digest> List();

    /// <summary>Removes an object; false when it was not there.</summary>
    bool Delete(Digest digest);

    /// <summary>When the object was stored (used by gc's grace period), or null when missing.</summary>
    DateTimeOffset? StoredAt(Digest digest);
}
