namespace Keel.Objects;

/// <summary>
/// A store where asking "is it there?" costs a round trip, which a transfer that has just
/// listed the store can skip. Writing an object that is already stored must be harmless (the
/// same bytes under the same name), so a concurrent writer of the same object is never a fault.
/// </summary>
public interface IListedWrites
{
    /// <summary>Copies a file the caller has hashed to <paramref name="digest"/> and found missing, without asking the store again.</summary>
    void PutFileUnchecked(Digest digest, string sourcePath);
}
