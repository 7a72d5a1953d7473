using Keel.Metadata;

namespace Keel.Lineage;

/// <summary>A part of the graph with every detail loaded, in id (topological) order, for exports and reports.</summary>
public sealed record LineageGraph(IReadOnlyList<LineageNode> Nodes, IReadOnlyList<LineageEdge> Edges)
{
    /// <summary>Loads the given nodes and the edges between them.</summary>
    public static async Task<LineageGraph> LoadAsync(IMetadataStore metadata, IReadOnlyCollection<long> ids, CancellationToken cancellationToken)
    {
        var nodes = await metadata.LineageCatalog.GetManyAsync(ids, cancellationToken).ConfigureAwait(false);
        var set = nodes.Select(n => n.Id).ToHashSet();
        var edges = (await metadata.LineageCatalog.EdgesIntoAsync(set, cancellationToken).ConfigureAwait(false))
            .Where(e => set.Contains(e.From)).ToList();
        return new LineageGraph(nodes, edges);
    }

    public LineageNode? Find(long id) => _byId.Value.GetValueOrDefault(id);

    private readonly Lazy<Dictionary<long, LineageNode>> _byId = new(() => Nodes.ToDictionary(n => n.Id));
}
