namespace Keel.Objects;

/// <summary>
/// A store that writers and gc share. A writer is announced from before its first object write
/// or existence check until after the metadata that refers to those objects is committed; gc
/// keeps every writer out while it marks and sweeps. Announcing happens by itself on the first
/// write (held until the store is disposed); a long-lived process scopes it with <see cref="BeginWrites"/>.
/// </summary>
public interface IWriterExclusion
{
    /// <summary>Announces this process as a writer until the handle is disposed (nested and concurrent scopes share one announcement).</summary>
    IDisposable BeginWrites();

    /// <summary>Keeps every writer out until the handle is disposed, waiting at most <paramref name="wait"/> for those already in; throws a <see cref="KeelException"/> naming them.</summary>
    IDisposable ExcludeWriters(TimeSpan wait, CancellationToken cancellationToken);
}
