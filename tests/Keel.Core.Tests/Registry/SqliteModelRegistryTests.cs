using Keel.Lineage;
using Keel.Metadata.Sqlite;
using Keel.Objects;
using Keel.Registry;

namespace Keel.Core.Tests.Registry;

public sealed class SqliteModelRegistryTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly TempDir _dir = new();

    [Fact]
    public async Task Register_TwoVersions_NumbersThemAndWritesModelNodes()
    {
        using var store = new SqliteMetadataStore(_dir.File("keel.db"));
        var a = await store.Models.RegisterAsync(New("churn", 1), CancellationToken.None);
        var b = await store.Models.RegisterAsync(New("churn", 2), CancellationToken.None);

        Assert.Equal((1, 2), (a.Version, b.Version));
        var node = await store.Lineage.GetAsync(b.NodeId, CancellationToken.None);
        Assert.Equal(("model", "churn@2"), (node!.Kind, node.Label));
        var fetched = await store.Models.GetAsync("churn", null, CancellationToken.None);
        Assert.Equal(b.Signature.Inputs[0], fetched!.Signature.Inputs[0]);
        var refs = await store.References.ListAsync(CancellationToken.None);
        Assert.Contains(refs, r => r.Digest == b.Digest);
    }

    [Fact]
    public async Task AliasMoves_AsOfResolvesTheVersionOfThatTime()
    {
        using var store = new SqliteMetadataStore(_dir.File("keel.db"));
        await store.Models.RegisterAsync(New("churn", 1), CancellationToken.None);
        await store.Models.RegisterAsync(New("churn", 2), CancellationToken.None);
        await store.Models.SetAliasAsync("churn", "production", 1, T0, CancellationToken.None);
        await store.Models.SetAliasAsync("churn", "production", 2, T0.AddDays(1), CancellationToken.None);

        Assert.Equal(1, await store.Models.AliasVersionAsync("churn", "production", T0.AddHours(1), CancellationToken.None));
        Assert.Equal(2, await store.Models.AliasVersionAsync("churn", "production", null, CancellationToken.None));
        Assert.Equal(1, await store.LineageCatalog.AliasVersionAsync("churn", "production", T0.AddHours(1), CancellationToken.None));
        Assert.Equal(2, (await store.Models.AliasHistoryAsync("churn", CancellationToken.None)).Count);
    }

    [Fact]
    public async Task CanaryDeployment_LeavesTheAliasWhereItWas()
    {
        using var store = new SqliteMetadataStore(_dir.File("keel.db"));
        var v1 = await store.Models.RegisterAsync(New("churn", 1), CancellationToken.None);
        await store.Models.RegisterAsync(New("churn", 2), CancellationToken.None);
        await store.Models.RecordDeploymentAsync(new NewDeployment("r1", "deploy", "churn", "production", 1, null, 0, null, T0),
            [new NewLineageNode(NodeType.Run, "deploy", "deploy:churn@production", null, "r1", T0, null, [new LineageEdgeFrom(v1.NodeId, Relation.Used, "model")])], CancellationToken.None);
        var canary = await store.Models.RecordDeploymentAsync(new NewDeployment("r2", "deploy", "churn", "production", 2, 1, 10, null, T0.AddHours(1)), [], CancellationToken.None);

        Assert.Equal(1, await store.Models.AliasVersionAsync("churn", "production", null, CancellationToken.None));
        Assert.Equal(10, canary.CanaryPercent);
        Assert.True((await store.Models.DeploymentsAsync("churn", CancellationToken.None))[0].NodeId > 0);
    }

    private static NewModelVersion New(string name, int seed) => new(
        name, "mlnet", ContentHasher.Hash([(byte)seed]), ContentHasher.Hash([(byte)seed, 1]),
        new ModelSignature([new SignatureField("tenure", FieldType.Number, false, 0, 72, null), new SignatureField("contract", FieldType.Text, false, null, null, ["a", "b"])], ["Score"], 10),
        new ModelCard("d", "o", "u", new Dictionary<string, double> { ["auc"] = 0.8 }), "path:m.zip", null, null, T0, "u", "h");

    public void Dispose() => _dir.Dispose();
}
