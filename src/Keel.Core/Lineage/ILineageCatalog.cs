using Keel.Objects;

namespace Keel.Lineage;

/// <summary>
/// What lineage queries need from the metadata besides the append-only graph: lookups by run id
/// and digest, batched reads, stored lineage roots and the alias history.
/// </summary>
public interface ILineageCatalog
{
    /// <summary>Nodes by id, in id order; unknown ids are skipped.</summary>
    Task<IReadOnlyList<LineageNode>> GetManyAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken);

    /// <summary>Edges into the given nodes, with their roles.</summary>
    Task<IReadOnlyList<LineageEdge>> EdgesIntoAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken);

    /// <summary>Run nodes whose run id starts with <paramref name="prefix"/>, oldest first.</summary>
    Task<IReadOnlyList<LineageNode>> FindByRunIdPrefixAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Nodes carrying this digest, oldest first.</summary>
    Task<IReadOnlyList<LineageNode>> FindByDigestAsync(Digest digest, CancellationToken cancellationToken);

    /// <summary>Artifact nodes labelled <c>name@N</c> for any N, oldest first.</summary>
    Task<IReadOnlyList<LineageNode>> FindVersionsAsync(string name, CancellationToken cancellationToken);

    /// <summary>The lineage root stored for a run node, or null when none was stored yet.</summary>
    Task<Digest?> GetRootAsync(long nodeId, CancellationToken cancellationToken);

    /// <summary>Stores a run's lineage root the first time it is computed; a stored root never changes.</summary>
    Task StoreRootsAsync(IReadOnlyList<(long NodeId, Digest Root)> roots, CancellationToken cancellationToken);

    /// <summary>The version <c>name@alias</c> pointed at, as of <paramref name="asOf"/> (now when null), or null.</summary>
    Task<int?> AliasVersionAsync(string name, string alias, DateTimeOffset? asOf, CancellationToken cancellationToken);

    /// <summary>Records that <c>name@alias</c> points at <paramref name="version"/> from <paramref name="setAt"/> on (history is kept).</summary>
    Task SetAliasAsync(string name, string alias, int version, DateTimeOffset setAt, CancellationToken cancellationToken);

    /// <summary>Every alias of <paramref name="name"/> ever set, for error messages.</summary>
    Task<IReadOnlyList<string>> AliasesOfAsync(string name, CancellationToken cancellationToken);
}
