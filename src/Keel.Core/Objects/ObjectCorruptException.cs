namespace Keel.Objects;

/// <summary>A stored object's bytes no longer hash to its name: it was damaged or tampered with after it was stored.</summary>
public sealed class ObjectCorruptException(Digest digest, Digest actual)
    : KeelException($"object {digest} is damaged: its stored bytes hash to {actual}; nothing was read from it. Run 'keel fsck' to see what it affects, and 'keel fsck --repair' to restore an intact copy from the workspace files or a remote", ExitCodes.CheckFailed)
{
    public Digest Digest { get; } = digest;

    /// <summary>What the stored bytes hash to now.</summary>
    public Digest Actual { get; } = actual;
}
