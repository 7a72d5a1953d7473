namespace Keel.Lineage;

/// <summary>
/// The provenance graph's system of record. Append-only: nodes and their incoming edges are
/// written together in one transaction and never change.
/// </summary>
public interface ILineageStore
{
    /// <summary>Appends nodes in order (each may point at earlier ones in the same batch by the ids returned so far); returns their ids.</summary>
    Task<IReadOnlyList<long>> AppendAsync(IReadOnlyList<NewLineageNode> nodes, CancellationToken cancellationToken);

    /// <summary>Appends nodes whose incoming edges may name nodes of the same batch by negative index: -1 is the batch's first node, -2 its second, ...</summary>
    Task<IReadOnlyList<long>> AppendBatchAsync(IReadOnlyList<NewLineageNode> nodes, CancellationToken cancellationToken);

    /// <summary>A node by id, or null.</summary>
    Task<LineageNode?> GetAsync(long id, CancellationToken cancellationToken);

    /// <summary>Artifact nodes carrying this label (e.g. <c>raw@3</c>), oldest first.</summary>
    Task<IReadOnlyList<LineageNode>> FindByLabelAsync(string label, CancellationToken cancellationToken);

    /// <summary>Nodes with an id greater than <paramref name="afterId"/>, in id order (to build or extend an index).</summary>
    IAsyncEnumerable<LineageNode> NodesAfterAsync(long afterId, CancellationToken cancellationToken);

    /// <summary>Edges into nodes with an id greater than <paramref name="afterId"/>, ordered by target id.</summary>
    IAsyncEnumerable<LineageEdge> EdgesAfterAsync(long afterId, CancellationToken cancellationToken);

    /// <summary>The largest node id, 0 when the graph is empty.</summary>
    Task<long> MaxIdAsync(CancellationToken cancellationToken);
}
