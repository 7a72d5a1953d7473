using System.Net.Http.Json;
using System.Text.Json;
using Keel.Lineage;
using Keel.Registry;
using Keel.Server.Capture;
using Microsoft.Extensions.DependencyInjection;
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
        var dropped = metrics.Split('\n').Single(l => l.StartsWith("keel_capture_dropped_total{reason=\"queue_full\"} ", StringComparison.Ordinal));
        Assert.True(double.Parse(dropped.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) >= 150, dropped);
    }

    [Fact]
    public async Task Start_LogLeftByAKilledServer_BecomesASegmentOfItsWholeRows()
    {
        // Given a capture log of tiny@1 whose last line was cut short by a kill
        var v1 = (await _ws.Workspace.Metadata.Models.GetAsync("tiny", 1, CancellationToken.None))!;
        var deploy = (await _ws.Workspace.Metadata.Models.DeploymentsAsync("tiny", CancellationToken.None)).Single();
        var dir = Path.Combine(_ws.Workspace.KeelDir, "capture");
        var header = new CaptureLogHeader("tiny", 1, v1.NodeId, deploy.NodeId, [("tenure", FieldType.Number), ("charges", FieldType.Number), ("contract", FieldType.Text)], ["PredictedLabel", "Score", "Probability"]);
        string log;
        using (var writing = CaptureLog.Create(dir, header, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000)))
        {
            writing.Append("a", 0, 1_700_000_000_000, null, [1.5, 20.0, "monthly"], [true, 1.2, 0.8]);
            writing.Append("b", 0, 1_700_000_000_001, null, [double.NaN, 30.0, "yearly"], [false, -1.1, 0.2]);
            writing.Append("b", 1, 1_700_000_000_001, "contract: new", [7.0, 40.0, "lifetime"], [false, -2.0, 0.1]);
            writing.Flush();
            log = writing.Path;
        }
        var fourth = new System.Buffers.ArrayBufferWriter<byte>();
        CaptureRecord.Write(fourth, header, "c", 0, 1_700_000_000_002, null, [3.0, 20.0, "monthly"], [true, 0.5, 0.6]);
        using (var append = new FileStream(log, FileMode.Append)) append.Write(fourth.WrittenSpan[..(fourth.WrittenCount / 2)]);

        // When a server starts over the workspace
        await using var factory = new KeelFactory(_ws.Workspace, new ServingOptions());
        using var client = factory.CreateClient();
        await factory.Services.GetRequiredService<CaptureWriter>().Recovered;

        // Then the three whole rows are a segment generated by the deployment, and the log is gone
        var segment = Assert.Single(KeelServer.Segments(factory.Services));
        Assert.Equal(3, segment.Rows);
        Assert.Equal("predictions:tiny@1:1700000000000", segment.Label);
        Assert.False(File.Exists(log));
        await using var stream = _ws.Workspace.Objects.OpenRead(segment.Digest);
        await using var reader = await ParquetReader.CreateAsync(stream);
        using var group = reader.OpenRowGroupReader(0);
        var tenure = new double?[3];
        await group.ReadAsync<double>(reader.Schema.DataFields.Single(f => f.Name == "input.tenure"), tenure.AsMemory());
        var flags = new string?[3];
        await group.ReadAsync(reader.Schema.DataFields.Single(f => f.Name == "flags"), flags.AsMemory());
        Assert.Equal([1.5, null, 7.0], tenure);
        Assert.Equal(new string?[] { null, null, "contract: new" }, flags.AsEnumerable());
        var node = Assert.Single(await _ws.Workspace.Metadata.LineageCatalog.FindByDigestAsync(segment.Digest, CancellationToken.None));
        var edges = await _ws.Workspace.Metadata.LineageCatalog.EdgesIntoAsync([node.Id], CancellationToken.None);
        Assert.Contains(edges, e => e.From == deploy.NodeId && e.Relation == Relation.Generated);
        Assert.Contains(edges, e => e.From == v1.NodeId && e.Relation == Relation.Derived);
        Assert.Contains("keel_capture_recovered_rows_total 3", await client.GetStringAsync("/metrics"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_LogHeldByALiveServer_IsLeftAlone()
    {
        // Given a log another live server is writing (it holds the file open)
        var dir = Path.Combine(_ws.Workspace.KeelDir, "capture");
        Directory.CreateDirectory(dir);
        var log = Path.Combine(dir, "tiny@1.1700000000000.1.live.log");
        await using var held = new FileStream(log, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        held.Write("{\"format\":\"keel-capture-log 1\"}\n"u8);
        held.Flush();

        await using var factory = new KeelFactory(_ws.Workspace, new ServingOptions());
        using var client = factory.CreateClient();
        await factory.Services.GetRequiredService<CaptureWriter>().Recovered;

        Assert.True(File.Exists(log));
        Assert.Empty(KeelServer.Segments(factory.Services));
    }

    [Fact]
    public async Task Capture_RowsAreInTheLogBeforeAnySegment_AndTheLogIsDeletedOnceSealed()
    {
        await using var factory = new KeelFactory(_ws.Workspace, new ServingOptions { SegmentRows = 1_000_000 });
        using var client = factory.CreateClient();
        for (var i = 0; i < 5; i++) (await client.PostAsJsonAsync("/v1/models/tiny/predict", new { tenure = i * 1.0, charges = 50.0, contract = "yearly" })).EnsureSuccessStatusCode();
        var writer = factory.Services.GetRequiredService<CaptureWriter>();
        await writer.LogQueuedAsync(CancellationToken.None);

        var logs = Directory.GetFiles(writer.Directory, "*.log");
        var log = Assert.Single(logs);
        using (var read = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            var (header, rows, torn) = CaptureLog.Read(read);
            Assert.Equal(("tiny", 1, 5, false), (header.Model, header.Version, rows.Count, torn));
            Assert.Equal([0.0, 1, 2, 3, 4], rows.Select(r => (double)r.Inputs[0]!));
        }
        Assert.Empty(KeelServer.Segments(factory.Services));

        await KeelServer.DrainCaptureAsync(factory.Services, CancellationToken.None);
        Assert.False(File.Exists(log));
        Assert.Equal(5, Assert.Single(KeelServer.Segments(factory.Services)).Rows);
    }

    public Task DisposeAsync()
    {
        _ws.Dispose();
        return Task.CompletedTask;
    }
}
