namespace Keel.Objects;

/// <summary>An object the metadata refers to is not in the store.</summary>
public sealed class ObjectMissingException(Digest digest)
    : KeelException($"object {digest} is missing from the store; run 'keel fsck' to see what it affects", ExitCodes.CheckFailed)
{
    public Digest Digest { get; } = digest;
}
