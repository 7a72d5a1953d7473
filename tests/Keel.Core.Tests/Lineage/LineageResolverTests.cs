using Keel.Lineage;

namespace Keel.Core.Tests.Lineage;

public sealed class LineageResolverTests
{
    [Fact]
    public async Task Resolve_LabelsLatestRunPrefixAndDigest()
    {
        using var g = await SampleGraph.CreateAsync();
        var r = new LineageResolver(g.Workspace.Metadata, await g.IndexAsync());
        var ct = CancellationToken.None;
        Assert.Equal(g.Id("raw@1"), (await r.ResolveAsync("raw@1", null, ct)).Node.Id);
        Assert.Equal(g.Id("churn@2"), (await r.ResolveAsync("churn", null, ct)).Node.Id);
        Assert.Equal(g.Id("churn@1"), (await r.ResolveAsync("churn@latest", SampleGraph.T0.AddHours(15), ct)).Node.Id);
        Assert.Equal(g.Id("train#2"), (await r.ResolveAsync("run:bbbb2", null, ct)).Node.Id);
        var digest = (await r.ResolveAsync("features@2", null, ct)).Node.Digest!.Value;
        Assert.Equal(g.Id("features@2"), (await r.ResolveAsync(digest.ToString(), null, ct)).Node.Id);
    }

    [Fact]
    public async Task Resolve_AliasAsOf_FollowsTheAliasHistory()
    {
        using var g = await SampleGraph.CreateAsync();
        var catalog = g.Workspace.Metadata.LineageCatalog;
        var ct = CancellationToken.None;
        await catalog.SetAliasAsync("churn", "production", 1, SampleGraph.T0.AddHours(15), ct);
        await catalog.SetAliasAsync("churn", "production", 2, SampleGraph.T0.AddHours(30), ct);
        var r = new LineageResolver(g.Workspace.Metadata, await g.IndexAsync());
        Assert.Equal(g.Id("churn@1"), (await r.ResolveAsync("churn@production", SampleGraph.T0.AddHours(29), ct)).Node.Id);
        Assert.Equal(g.Id("churn@2"), (await r.ResolveAsync("churn@production", SampleGraph.T0.AddHours(30), ct)).Node.Id);
        Assert.Equal(g.Id("churn@2"), (await r.ResolveAsync("churn@production", null, ct)).Node.Id);
        var before = await Assert.ThrowsAsync<KeelException>(() => r.ResolveAsync("churn@production", SampleGraph.T0.AddHours(5), ct));
        Assert.Contains("set later", before.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resolve_Unknown_ListsCloseMatches()
    {
        using var g = await SampleGraph.CreateAsync();
        var r = new LineageResolver(g.Workspace.Metadata, await g.IndexAsync());
        var ct = CancellationToken.None;
        var typo = await Assert.ThrowsAsync<KeelException>(() => r.ResolveAsync("chrun@1", null, ct));
        Assert.Contains("did you mean churn", typo.Message, StringComparison.Ordinal);
        var version = await Assert.ThrowsAsync<KeelException>(() => r.ResolveAsync("raw@9", null, ct));
        Assert.Contains("versions 1 to 2", version.Message, StringComparison.Ordinal);
        var notYet = await Assert.ThrowsAsync<KeelException>(() => r.ResolveAsync("raw@2", SampleGraph.T0.AddHours(11), ct));
        Assert.Contains("versions 1", notYet.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<KeelException>(() => r.ResolveAsync("run:zzzz", null, ct));
    }
}
