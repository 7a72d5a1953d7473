using Keel.Lineage;

namespace Keel.Core.Tests.Lineage;

public sealed class LineageIndexSnapshotTests
{
    [Fact]
    public async Task LoadOrBuild_SnapshotThenNewNodes_EqualsFreshBuild()
    {
        using var graph = await SampleGraph.CreateAsync();
        var file = Path.Combine(graph.Workspace.KeelDir, "cache", "lineage.idx");
        var first = await LineageIndex.LoadOrBuildAsync(graph.Workspace.Metadata.Lineage, file, CancellationToken.None);
        Assert.True(File.Exists(file));

        var last = first.IdOf(first.Count - 1);
        await graph.Workspace.Metadata.Lineage.AppendAsync(
            [new NewLineageNode(NodeType.Artifact, "data", "extra@1", null, null, DateTimeOffset.UnixEpoch, null, [new LineageEdgeFrom(last, Relation.Derived)])],
            CancellationToken.None);
        var loaded = await LineageIndex.LoadOrBuildAsync(graph.Workspace.Metadata.Lineage, file, CancellationToken.None);
        var fresh = await LineageIndex.BuildAsync(graph.Workspace.Metadata.Lineage, CancellationToken.None);

        Assert.Equal(fresh.Count, loaded.Count);
        Assert.Equal(fresh.EdgeCount, loaded.EdgeCount);
        for (var i = 0; i < fresh.Count; i++)
        {
            Assert.Equal(fresh.LabelOf(i), loaded.LabelOf(i));
            Assert.Equal(fresh.KindOf(i), loaded.KindOf(i));
            Assert.Equal(fresh.Sources(i).ToArray(), loaded.Sources(i).ToArray());
            Assert.Equal(fresh.Targets(i).ToArray(), loaded.Targets(i).ToArray());
        }
    }

    [Fact]
    public async Task LoadOrBuild_DamagedSnapshot_RebuildsFromStore()
    {
        using var graph = await SampleGraph.CreateAsync();
        var file = Path.Combine(graph.Workspace.KeelDir, "cache", "lineage.idx");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, "not an index");

        var loaded = await LineageIndex.LoadOrBuildAsync(graph.Workspace.Metadata.Lineage, file, CancellationToken.None);
        var fresh = await LineageIndex.BuildAsync(graph.Workspace.Metadata.Lineage, CancellationToken.None);

        Assert.Equal(fresh.Count, loaded.Count);
        Assert.Equal(fresh.EdgeCount, loaded.EdgeCount);
    }
}
