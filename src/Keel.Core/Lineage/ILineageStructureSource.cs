namespace Keel.Lineage;

/// <summary>A lean scan of the graph's shape (no attributes, no digests), for building the index fast.</summary>
internal interface ILineageStructureSource
{
    /// <summary>Calls <paramref name="node"/> for each node after <paramref name="afterId"/>, in id order: id, type, kind, label, created (unix ms).</summary>
    void ScanNodes(long afterId, Action<long, NodeType, string, string, long> node, CancellationToken cancellationToken);

    /// <summary>Calls <paramref name="edge"/> for each edge into a node after <paramref name="afterId"/>, in no particular order.</summary>
    void ScanEdges(long afterId, Action<long, long, Relation, string?> edge, CancellationToken cancellationToken);
}
