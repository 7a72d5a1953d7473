using Keel.Objects;

namespace Keel.Workspaces;

/// <summary>What a backend factory gets: the URI from <c>.keel/config.yaml</c> and the workspace it serves.</summary>
/// <param name="Uri">The configured URI, exactly as written.</param>
/// <param name="Root">The workspace root (the folder holding <c>.keel/</c>).</param>
/// <param name="Time">The clock every backend uses.</param>
/// <param name="Objects">The workspace's object store, for executors that ship inputs and outputs through it (null while the store itself is being created).</param>
/// <param name="ObjectsUri">The object store's URI, handed to remote workers.</param>
public sealed record BackendContext(string Uri, string Root, TimeProvider Time, IObjectStore? Objects = null, string? ObjectsUri = null)
{
    /// <summary>The workspace's <c>.keel/</c> folder.</summary>
    public string KeelDir => Path.Combine(Root, Workspace.DirName);
}
