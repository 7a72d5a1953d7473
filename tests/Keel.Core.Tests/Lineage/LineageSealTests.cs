namespace Keel.Core.Tests.Lineage;

/// <summary>
/// Issue 16, defect 3: roots used to be stored only by the first verify, so tampering before it,
/// or deleting the stored roots after it, passed as "intact". Runs are now sealed when recorded.
/// </summary>
public sealed class LineageSealTests
{
    private static async Task<Keel.Lineage.LineageVerification> VerifyAsync(SampleGraph g, string label)
    {
        var ix = await g.IndexAsync();
        return await new Keel.Lineage.LineageVerifier(g.Workspace, ix).VerifyAsync(ix.IndexOf(g.Id(label)), long.MaxValue, CancellationToken.None);
    }

    [Fact]
    public async Task Verify_ParamsEditedBeforeAnyVerify_NamesTheRun()
    {
        using var g = await SampleGraph.CreateAsync();
        Tamper.Sql(g.Workspace, $"UPDATE lineage_nodes SET attributes = replace(attributes, '0.1', '0.3') WHERE id = {g.Id("train#1")}");
        var r = await VerifyAsync(g, "churn@1");
        Assert.False(r.Intact);
        Assert.Equal(g.Id("train#1"), Assert.Single(r.Problems).NodeId);
    }

    [Fact]
    public async Task Verify_RawDigestRepointedBeforeAnyVerify_NamesTheRunThatUsedIt()
    {
        using var g = await SampleGraph.CreateAsync();
        var other = (await g.Workspace.Metadata.Lineage.GetAsync(g.Id("raw@2"), CancellationToken.None))!.Digest;
        Tamper.Sql(g.Workspace, $"UPDATE lineage_nodes SET digest = '{other}' WHERE id = {g.Id("raw@1")}");
        var r = await VerifyAsync(g, "churn@1");
        Assert.False(r.Intact);
        Assert.Equal(g.Id("prepare#1"), r.Problems[0].NodeId);
    }

    [Fact]
    public async Task Verify_UsedEdgeRepointedBeforeAnyVerify_NamesTheRun()
    {
        using var g = await SampleGraph.CreateAsync();
        Tamper.Sql(g.Workspace, $"UPDATE lineage_edges SET src = {g.Id("raw@1")} WHERE dst = {g.Id("prepare#2")} AND src = {g.Id("raw@2")}");
        var r = await VerifyAsync(g, "churn@2");
        Assert.False(r.Intact);
        Assert.Contains(r.Problems, p => p.NodeId == g.Id("prepare#2"));
    }

    [Fact]
    public async Task Verify_EdgeDeletedBeforeAnyVerify_NamesTheRun()
    {
        using var g = await SampleGraph.CreateAsync();
        Tamper.Sql(g.Workspace, $"DELETE FROM lineage_edges WHERE dst = {g.Id("train#1")} AND src = {g.Id("features@1")}");
        var r = await VerifyAsync(g, "churn@1");
        Assert.False(r.Intact);
        Assert.Contains(r.Problems, p => p.NodeId == g.Id("train#1"));
    }

    [Fact]
    public async Task Verify_StoredRootsDeletedThenParamsEdited_NamesTheRun()
    {
        using var g = await SampleGraph.CreateAsync();
        Assert.True((await VerifyAsync(g, "churn@1")).Intact);
        Tamper.Sql(g.Workspace, "DELETE FROM lineage_roots");
        Tamper.Sql(g.Workspace, $"UPDATE lineage_nodes SET attributes = replace(attributes, '0.1', '0.3') WHERE id = {g.Id("train#1")}");
        var r = await VerifyAsync(g, "churn@1");
        Assert.False(r.Intact);
        Assert.Contains(r.Problems, p => p.NodeId == g.Id("train#1"));
    }
}
