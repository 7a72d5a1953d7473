using Keel.Objects;

namespace Keel.Lineage;

/// <summary>
/// What lineage queries need from the metadata besides the append-only graph: lookups by run id
/// and digest, batched reads, the lineage log and the alias history.
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

    /// <summary>The lineage log in sequence order (the stores append to it whenever they record a run), each entry with whether its run node still exists.</summary>
    IAsyncEnumerable<SealLogEntry> SealLogAsync(CancellationToken cancellationToken);

    /// <summary>The version <c>name@alias</c> pointed at, as of <paramref name="asOf"/> (now when null), or null.</summary>
    Task<int?> AliasVersionAsync(string name, string alias, DateTimeOffset? asOf, CancellationToken cancellationToken);

    /// <summary>Records that <c>name@alias</c> points at <paramref name="version"/> from <paramref name="setAt"/> on (history is kept).</summary>
    Task SetAliasAsync(string name, string alias, int version, DateTimeOffset setAt, CancellationToken cancellationToken);

    /// <summary>Every alias of <paramref name="name"/> ever set, for error messages.</summary>
    Task<IReadOnlyList<string>> AliasesOfAsync(string name, CancellationToken cancellationToken);
}
