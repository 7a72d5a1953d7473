using System.Net.Http.Json;
using System.Text.Json;
using Keel.Lineage;
using Parquet;

namespace Keel.Server.Tests.Capture;

public sealed class CaptureTests : IAsyncLifetime
{
    private ServingWorkspace _ws = null!;

    public async Task InitializeAsync() => _ws = await ServingWorkspace.CreateAsync();

    [Fact]
    public async Task CapturedSegments_ReadBack_MatchEveryRequestAndLinkToTheDeployment()
    {
        await using var factory = new KeelFactory(_ws.Workspace, new ServingOptions { SegmentRows = 25 });
        using var client = factory.CreateClient();
        var sent = new Dictionary<string, double>();
        for (var i = 0; i < 60; i++)
        {
            var tenure = i * 1.0;
            var response = await client.PostAsJsonAsync("/v1/models/tiny/predict", new { tenure, charges = 50.0, contract = "yearly" });
            var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            sent[json.GetProperty("request_id").GetString()!] = tenure;
        }
        await KeelServer.DrainCaptureAsync(factory.Services, CancellationToken.None);

        var segments = KeelServer.Segments(factory.Services);
        Assert.Equal(60, segments.Sum(s => s.Rows));
        var seen = new Dictionary<string, double>();
        foreach (var (_, digest, _) in segments)
        {
            await using var stream = _ws.Workspace.Objects.OpenRead(digest);
            await using var reader = await ParquetReader.CreateAsync(stream);
            using var group = reader.OpenRowGroupReader(0);
            var fields = reader.Schema.DataFields;
            var n = (int)group.RowCount;
            var ids = new string?[n];
            await group.ReadAsync(fields.Single(f => f.Name == "request_id"), ids.AsMemory());
            var tenure = new double?[n];
            await group.ReadAsync<double>(fields.Single(f => f.Name == "input.tenure"), tenure.AsMemory());
            var versions = new int[n];
            await group.ReadAsync<int>(fields.Single(f => f.Name == "version"), versions.AsMemory());
            Assert.All(versions, v => Assert.Equal(1, v));
            Assert.Contains(fields, f => f.Name == "output.Probability");
            for (var i = 0; i < n; i++) seen[ids[i]!] = tenure[i]!.Value;
        }
        Assert.Equal(sent.OrderBy(kv => kv.Key), seen.OrderBy(kv => kv.Key));

        var deploy = (await _ws.Workspace.Metadata.Models.DeploymentsAsync("tiny", CancellationToken.None)).Single();
        var nodes = await _ws.Workspace.Metadata.LineageCatalog.FindByDigestAsync(segments[0].Digest, CancellationToken.None);
        var node = Assert.Single(nodes);
        Assert.Equal("predictions", node.Kind);
        var edges = await _ws.Workspace.Metadata.LineageCatalog.EdgesIntoAsync([node.Id], CancellationToken.None);
        Assert.Contains(edges, e => e.From == deploy.NodeId && e.Relation == Relation.Generated);
    }

    [Fact]
    public async Task CaptureQueueFull_DropsAndCountsButEveryPredictionSucceeds()
    {
        await using var factory = new KeelFactory(_ws.Workspace, new ServingOptions { CaptureQueue = 1, SegmentRows = 1_000_000 });
        using var client = factory.CreateClient();
        var rows = Enumerable.Range(0, 200).Select(i => new { tenure = i % 70 * 1.0, charges = 40.0, contract = "monthly" }).ToArray();

        var response = await client.PostAsJsonAsync("/v1/models/tiny/predict", new { rows });
        var metrics = await client.GetStringAsync("/metrics");

        response.EnsureSuccessStatusCode();
        var dropped = metrics.Split('\n').Single(l => l.StartsWith("keel_capture_dropped_total ", StringComparison.Ordinal));
        Assert.True(double.Parse(dropped.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) >= 150, dropped);
    }

    public Task DisposeAsync()
    {
        _ws.Dispose();
        return Task.CompletedTask;
    }
}
