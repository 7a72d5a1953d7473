using Keel.Metadata;

namespace Keel.Lineage;

/// <summary>Loads what a node depends on: its upstream closure plus every output of the runs in it.</summary>
public static class LineageClosure
{
    public static async Task<LineageGraph> UpstreamAsync(IMetadataStore metadata, LineageIndex index, int node, long asOfMs, CancellationToken cancellationToken)
    {
        var walk = new LineageTraversal(index);
        walk.Walk(node, LineageDirection.Up, -1, asOfMs);
        var ids = new HashSet<long>();
        foreach (var i in walk.Found)
        {
            ids.Add(index.IdOf(i));
            if (index.TypeOf(i) != NodeType.Run) continue;
            foreach (var (to, rel, _) in index.OutEdges(i))
                if (rel == Relation.Generated && index.CreatedMs(to) <= asOfMs) ids.Add(index.IdOf(to));
        }
        return await LineageGraph.LoadAsync(metadata, ids, cancellationToken).ConfigureAwait(false);
    }
}
