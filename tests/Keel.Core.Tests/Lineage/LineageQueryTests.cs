using Keel.Lineage;

namespace Keel.Core.Tests.Lineage;

public sealed class LineageQueryTests
{
    private static List<(string Label, int Depth)> Run(LineageIndex ix, long id, LineageDirection dir, int depth = -1, string[]? kinds = null, long asOf = long.MaxValue)
    {
        var view = LineageView.Query(ix, ix.IndexOf(id), dir, depth, kinds ?? [], asOf);
        return view.Nodes.Select((n, i) => ($"{ix.LabelOf(n)}#{ix.IdOf(n)}", view.Depths[i])).OrderBy(x => x.Item2).ThenBy(x => x.Item1, StringComparer.Ordinal).ToList();
    }

    [Fact]
    public async Task Upstream_OfModel_FindsEveryAncestorAtItsHopCount()
    {
        using var g = await SampleGraph.CreateAsync();
        var ix = await g.IndexAsync();
        var found = Run(ix, g.Id("churn@1"), LineageDirection.Up);
        Assert.Equal(
            [
                ($"churn@1#{g.Id("churn@1")}", 0),
                ($"train#{g.Id("train#1")}", 1),
                ($"alice@host#{g.Id("alice@host")}", 2),
                ($"features@1#{g.Id("features@1")}", 2),
                ($"prepare#{g.Id("prepare#1")}", 3),
                ($"raw@1#{g.Id("raw@1")}", 3),
            ],
            found);
    }

    [Fact]
    public async Task Downstream_OfRawFile_FindsOnlyWhatItFed()
    {
        using var g = await SampleGraph.CreateAsync();
        var ix = await g.IndexAsync();
        var found = Run(ix, g.Id("raw@2"), LineageDirection.Down).Select(x => x.Label.Split('#')[0]).ToList();
        Assert.Equal(["raw@2", "features@2", "prepare", "train", "churn@2"], found);
    }

    [Fact]
    public async Task Walk_WithDepthKindsAndAsOf_Filters()
    {
        using var g = await SampleGraph.CreateAsync();
        var ix = await g.IndexAsync();
        Assert.Equal(["churn@2", "train"], Run(ix, g.Id("churn@2"), LineageDirection.Up, depth: 1).Select(x => x.Label.Split('#')[0]));
        Assert.Equal(["churn@2", "features@2", "raw@2"], Run(ix, g.Id("churn@2"), LineageDirection.Up, kinds: ["data"]).Select(x => x.Label.Split('#')[0]));
        // At hour 21 only raw@2 -> prepare existed downstream of raw@2.
        var asOf = SampleGraph.T0.AddHours(21).ToUnixTimeMilliseconds();
        Assert.Equal(["raw@2", "prepare"], Run(ix, g.Id("raw@2"), LineageDirection.Down, asOf: asOf).Select(x => x.Label.Split('#')[0]));
    }

    [Fact]
    public async Task Both_ListsAncestorsAndDescendantsButNotCousins()
    {
        using var g = await SampleGraph.CreateAsync();
        var ix = await g.IndexAsync();
        var found = Run(ix, g.Id("features@1"), LineageDirection.Both).Select(x => x.Label.Split('#')[0]).ToHashSet();
        Assert.Equal(["features@1", "prepare", "raw@1", "alice@host", "train", "churn@1"], found);
    }

    [Fact]
    public async Task Extend_AfterAppend_EqualsFreshBuild()
    {
        using var g = await SampleGraph.CreateAsync();
        var ix = await g.IndexAsync();
        var more = await g.AddAsync("report@1", NodeType.Artifact, "report", "r", 40, null, [new(g.Id("churn@1"), Relation.Derived), new(g.Id("churn@2"), Relation.Derived)]);
        Assert.Equal(1, await ix.ExtendAsync(g.Workspace.Metadata.Lineage, CancellationToken.None));
        var fresh = await g.IndexAsync();
        Assert.Equal(fresh.Count, ix.Count);
        Assert.Equal(fresh.EdgeCount, ix.EdgeCount);
        Assert.Equal(Run(fresh, g.Id("raw@1"), LineageDirection.Down), Run(ix, g.Id("raw@1"), LineageDirection.Down));
        Assert.Contains(Run(ix, g.Id("raw@1"), LineageDirection.Down), x => x.Label == $"report@1#{more}");
        Assert.True(ix.MemoryBytes > 0);
    }

    [Fact]
    public async Task ShortestPath_FollowsRecordsForward_AndIsNullAcrossBranches()
    {
        using var g = await SampleGraph.CreateAsync();
        var ix = await g.IndexAsync();
        var walk = new LineageTraversal(ix);
        var path = walk.ShortestPath(ix.IndexOf(g.Id("raw@1")), ix.IndexOf(g.Id("churn@1")))!;
        Assert.Equal(["raw@1", "features@1", "train", "churn@1"], path.Select(ix.LabelOf));
        Assert.Null(walk.ShortestPath(ix.IndexOf(g.Id("raw@1")), ix.IndexOf(g.Id("churn@2"))));
    }

    [Fact]
    public async Task Dot_OfTooLargeView_IsSummarisedNotDrawnInFull()
    {
        using var g = await SampleGraph.CreateAsync();
        var hub = g.Id("raw@1");
        var nodes = Enumerable.Range(0, GraphWriters.DrawLimit + 10)
            .Select(i => new NewLineageNode(NodeType.Artifact, "report", $"r{i}", null, null, SampleGraph.T0.AddHours(50), null, [new(hub, Relation.Derived)])).ToList();
        await g.Workspace.Metadata.Lineage.AppendBatchAsync(nodes, CancellationToken.None);
        var ix = await g.IndexAsync();
        var view = LineageView.Query(ix, ix.IndexOf(hub), LineageDirection.Down, -1, [], long.MaxValue);
        var dot = GraphWriters.Dot(view);
        Assert.Contains("summary [shape=note", dot, StringComparison.Ordinal);
        Assert.Contains($"{view.Nodes.Count} nodes in all", dot, StringComparison.Ordinal);
        Assert.DoesNotContain("r2005", dot, StringComparison.Ordinal);
    }
}
