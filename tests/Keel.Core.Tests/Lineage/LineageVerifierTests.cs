using Keel.Lineage;

namespace Keel.Core.Tests.Lineage;

public sealed class LineageVerifierTests
{
    private static async Task<LineageVerification> VerifyAsync(SampleGraph g, string label)
    {
        var ix = await g.IndexAsync();
        return await new LineageVerifier(g.Workspace, ix).VerifyAsync(ix.IndexOf(g.Id(label)), long.MaxValue, CancellationToken.None);
    }

    [Fact]
    public async Task Verify_IntactGraph_MatchesTheRootsSealedWhenRunsWereRecordedAndWritesNothing()
    {
        using var g = await SampleGraph.CreateAsync();
        var first = await VerifyAsync(g, "churn@2");
        Assert.True(first.Intact);
        Assert.Equal((2, 3, 4L, 0), (first.Runs, first.ObjectsChecked, first.Log.Entries, first.LateSealed));
        Assert.NotNull(first.Log.AnchoredSeq);
        var again = await VerifyAsync(g, "churn@2");
        Assert.Equal(first.Log, again.Log);
    }

    [Fact]
    public async Task Verify_CorruptedObject_NamesTheFirstNodeInTopologicalOrder()
    {
        using var g = await SampleGraph.CreateAsync();
        var raw = (await g.Workspace.Metadata.Lineage.GetAsync(g.Id("raw@1"), CancellationToken.None))!;
        Tamper.OverwriteObject(g.Workspace, raw.Digest!.Value, "changed");
        var r = await VerifyAsync(g, "churn@1");
        Assert.False(r.Intact);
        Assert.Equal(g.Id("raw@1"), r.Problems[0].NodeId);
        Assert.Contains("corrupt", r.Problems[0].Problem, StringComparison.Ordinal);
        Assert.True((await VerifyAsync(g, "churn@2")).Intact);
    }

    [Fact]
    public async Task Verify_StoredDigestEdited_IsCaught()
    {
        using var g = await SampleGraph.CreateAsync();
        Assert.True((await VerifyAsync(g, "churn@1")).Intact);
        Tamper.Sql(g.Workspace, $"UPDATE lineage_nodes SET digest = 'blake3:{new string('0', 64)}' WHERE id = {g.Id("features@1")}");
        var r = await VerifyAsync(g, "churn@1");
        // Here the output was appended after its run was sealed, so the run that used it is the one whose root changed.
        Assert.Equal(g.Id("features@1"), r.Problems[0].NodeId);
        Assert.Contains("missing", r.Problems[0].Problem, StringComparison.Ordinal);
        Assert.Contains(r.Problems, p => p.NodeId == g.Id("train#1") && p.Problem.Contains("lineage root changed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Verify_RunRecordEdited_RootMismatchNamesTheRun()
    {
        using var g = await SampleGraph.CreateAsync();
        Assert.True((await VerifyAsync(g, "churn@1")).Intact);
        Tamper.Sql(g.Workspace, $"UPDATE lineage_nodes SET attributes = replace(attributes, '0.1', '0.3') WHERE id = {g.Id("train#1")}");
        var r = await VerifyAsync(g, "churn@1");
        Assert.Single(r.Problems);
        Assert.Equal(g.Id("train#1"), r.Problems[0].NodeId);
    }

    [Fact]
    public async Task Roots_ChangeWhenAnyUpstreamByteChanges()
    {
        using var g = await SampleGraph.CreateAsync();
        var ix = await g.IndexAsync();
        var graph = await LineageClosure.UpstreamAsync(g.Workspace.Metadata, ix, ix.IndexOf(g.Id("churn@1")), long.MaxValue, CancellationToken.None);
        var before = LineageRoots.Compute(graph);
        Tamper.Sql(g.Workspace, $"UPDATE lineage_nodes SET digest = 'blake3:{new string('1', 64)}' WHERE id = {g.Id("raw@1")}");
        var after = LineageRoots.Compute(await LineageClosure.UpstreamAsync(g.Workspace.Metadata, ix, ix.IndexOf(g.Id("churn@1")), long.MaxValue, CancellationToken.None));
        Assert.NotEqual(before[g.Id("prepare#1")], after[g.Id("prepare#1")]);
        Assert.NotEqual(before[g.Id("train#1")], after[g.Id("train#1")]);
    }
}
