using System.Net.Http.Json;
using System.Text.Json;
using Keel.Models.Deployments;
using Keel.Monitoring;
using Keel.Monitoring.Profiles;
using Keel.Server.Capture;
using Parquet;
using Parquet.Schema;

namespace Keel.Server.Tests.Capture;

/// <summary>keel monitor's view of the serving capture: segments and feedback read back, and judged against the package's reference profile.</summary>
public sealed class CaptureMonitoringTests : IAsyncLifetime
{
    private ServingWorkspace _ws = null!;

    public async Task InitializeAsync() => _ws = await ServingWorkspace.CreateAsync();

    [Fact]
    public async Task Deploy_ServingPackage_HoldsTheOneReferenceProfileWithScoresAndCalibration()
    {
        var deployment = (await _ws.Workspace.Metadata.Models.DeploymentsAsync("tiny", CancellationToken.None)).Single();

        var package = ServingPackage.Read(_ws.Workspace, deployment.Package!.Value);

        var profile = Assert.IsType<ReferenceProfile>(package.Profile);
        Assert.Equal(ColumnKind.Numeric, profile.Find("tenure")!.Kind);
        Assert.Equal(ColumnKind.Categorical, profile.Find("contract")!.Kind);
        Assert.Equal(["monthly", "two-year", "yearly"], profile.Find("contract")!.Categorical!.Counts.Keys.Order(StringComparer.Ordinal));
        Assert.Null(profile.Find("customer_id"));
        Assert.Equal(ModelTask.BinaryClassification, profile.Task);
        Assert.NotNull(profile.Score);
        Assert.NotNull(profile.Calibration);
    }

    [Fact]
    public async Task CaptureAndFeedback_ReadBack_JoinByRequestAndRow()
    {
        await using var factory = new KeelFactory(_ws.Workspace, new ServingOptions { SegmentRows = 40 });
        using var client = factory.CreateClient();
        var labels = new List<object>();
        for (var r = 0; r < 12; r++)
        {
            var rows = Enumerable.Range(0, 10).Select(i => new { tenure = (r * 10 + i) % 70 * 1.0, charges = 30.0 + i, contract = i % 2 == 0 ? "monthly" : "yearly" }).ToArray();
            var response = await client.PostAsJsonAsync("/v1/models/tiny/predict", new { rows });
            var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("request_id").GetString()!;
            if (r < 6) labels.AddRange(rows.Select((_, i) => new { request_id = id, row = i, label = i % 3 == 0 ? "true" : "false" }));
        }
        (await client.PostAsJsonAsync("/v1/models/tiny/feedback", new { labels })).EnsureSuccessStatusCode();
        var unknown = await client.PostAsJsonAsync("/v1/models/tiny/feedback", new { request_id = "never-served", row = 0, label = "true" });
        await KeelServer.DrainCaptureAsync(factory.Services, CancellationToken.None);

        var deployment = await MonitoredDeployment.ResolveAsync(_ws.Workspace, "tiny", "production", CancellationToken.None);
        var source = new CaptureSource(_ws.Workspace, deployment);
        var result = await Session(deployment.Reference, "60rows").RunAsync(source, new StoredFeedbackSource(_ws.Workspace, "tiny"), null, CancellationToken.None);

        Assert.Equal("capture of tiny@production (tiny@1)", result.Source);
        Assert.Equal(120, result.Rows);
        Assert.Equal(120, source.Segments.Sum(s => s.Rows.Count));
        Assert.Equal(60, Assert.Single(result.Windows[0].Performance!.Realised, m => m.Name == "accuracy").Count);
        Assert.Empty(result.Windows[1].Performance!.Realised);
        Assert.Equal(422, (int)unknown.StatusCode);
        Assert.DoesNotContain(result.Notes, n => n.Contains("feedback label(s) name request ids never seen", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CaptureSnapshot_WritesOnlyLabelledRowsInTheTrainingDataColumns()
    {
        await using var factory = new KeelFactory(_ws.Workspace, new ServingOptions());
        using var client = factory.CreateClient();
        var rows = Enumerable.Range(0, 4).Select(i => new { tenure = i * 1.0, charges = 50.0, contract = "monthly" }).ToArray();
        var response = await client.PostAsJsonAsync("/v1/models/tiny/predict", new { rows });
        var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("request_id").GetString()!;
        (await client.PostAsJsonAsync("/v1/models/tiny/feedback", new { labels = new[] { new { request_id = id, row = 1, label = "true" }, new { request_id = id, row = 3, label = "false" } } })).EnsureSuccessStatusCode();
        await KeelServer.DrainCaptureAsync(factory.Services, CancellationToken.None);
        var deployment = await MonitoredDeployment.ResolveAsync(_ws.Workspace, "tiny@1", "production", CancellationToken.None);
        var source = new CaptureSource(_ws.Workspace, deployment);
        await foreach (var _ in source.ReadAsync(null, CancellationToken.None))
        {
        }
        var dir = Directory.CreateTempSubdirectory("keel-snapshot-").FullName;

        var written = await new CaptureSnapshot(_ws.Workspace, deployment, source, "churned").WriteAsync(dir, CancellationToken.None);

        var lines = File.ReadAllLines(Directory.GetFiles(dir).Single());
        Assert.Equal(["customer_id,tenure,charges,contract,churned", ",1,50,monthly,true", ",3,50,monthly,false"], lines);
        Assert.Contains("2 labelled production rows from 1 captured segment(s) (2 without a label left out)", written.Summary);
        Assert.Equal("capture", Assert.Single(written.Sources).Role);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task CaptureSnapshot_NoLabels_RefusesToRetrain()
    {
        await using var factory = new KeelFactory(_ws.Workspace, new ServingOptions());
        using var client = factory.CreateClient();
        (await client.PostAsJsonAsync("/v1/models/tiny/predict", new { tenure = 3.0, charges = 50.0, contract = "monthly" })).EnsureSuccessStatusCode();
        await KeelServer.DrainCaptureAsync(factory.Services, CancellationToken.None);
        var deployment = await MonitoredDeployment.ResolveAsync(_ws.Workspace, "tiny", "production", CancellationToken.None);
        var source = new CaptureSource(_ws.Workspace, deployment);
        await foreach (var _ in source.ReadAsync(null, CancellationToken.None))
        {
        }

        var e = await Assert.ThrowsAsync<KeelException>(() => new CaptureSnapshot(_ws.Workspace, deployment, source, "churned").WriteAsync(Path.GetTempPath(), CancellationToken.None));

        Assert.Contains("has a feedback label, so there is nothing to retrain on", e.Message);
    }

    [Fact]
    public async Task Resolve_AliasNotSetOrVersionNeverDeployed_SaysWhatToDo()
    {
        var unset = await Assert.ThrowsAsync<KeelException>(() => MonitoredDeployment.ResolveAsync(_ws.Workspace, "tiny", "staging", CancellationToken.None));
        var undeployed = await Assert.ThrowsAsync<KeelException>(() => MonitoredDeployment.ResolveAsync(_ws.Workspace, "tiny@2", "production", CancellationToken.None));

        Assert.StartsWith("tiny@staging is not set: deploy a version first", unset.Message);
        Assert.StartsWith("tiny@2 was never deployed with keel deploy", undeployed.Message);
    }

    [Fact]
    public async Task ChangedSchema_FeatureMissingAndColumnAdded_AlertsAndNamesBoth()
    {
        var reference = (await MonitoredDeployment.ResolveAsync(_ws.Workspace, "tiny", "production", CancellationToken.None)).Reference;
        var now = DateTimeOffset.UtcNow;
        var batch = await Segment(300, now, i => (i % 70, "blue"));

        var result = await Session(reference, "1000rows").RunAsync(new OneBatch(batch), null, null, CancellationToken.None);

        var window = Assert.Single(result.Windows);
        Assert.Contains(window.Quality, q => q.Code == "feature_absent" && q.Feature == "charges" && q.Severity == Severity.Alert);
        Assert.Contains(window.Quality, q => q.Code == "feature_absent" && q.Feature == "contract");
        Assert.Contains(window.Quality, q => q.Code == "unknown_columns" && q.Message.Contains("colour", StringComparison.Ordinal));
        Assert.Equal(Severity.Alert, window.Severity);
    }

    [Fact]
    public async Task TinyWindow_SaysInsufficientAndNeverAlarms()
    {
        var reference = (await MonitoredDeployment.ResolveAsync(_ws.Workspace, "tiny", "production", CancellationToken.None)).Reference;
        var batch = await Segment(5, DateTimeOffset.UtcNow, i => (1000 + i, "blue"));

        var result = await Session(reference, "1000rows").RunAsync(new OneBatch(batch), null, null, CancellationToken.None);

        var window = Assert.Single(result.Windows);
        Assert.True(window.Insufficient);
        Assert.False(result.Alerted);
        Assert.All(window.Features, f => Assert.False(f.Drifted));
    }

    [Fact]
    public async Task ClockSkew_TimesInTheFuture_AreCountedAndFiledUnderNow()
    {
        var reference = (await MonitoredDeployment.ResolveAsync(_ws.Workspace, "tiny", "production", CancellationToken.None)).Reference;
        var batch = await Segment(200, DateTimeOffset.UtcNow.AddHours(3), i => (i % 70, "blue"));

        var result = await Session(reference, "1h").RunAsync(new OneBatch(batch), null, null, CancellationToken.None);

        var window = Assert.Single(result.Windows);
        var skew = Assert.Single(window.Quality, q => q.Code == "clock_skew");
        Assert.Equal(200, skew.Value);
        Assert.Contains("in the future (clock skew); filed under now", skew.Message);
    }

    [Fact]
    public async Task SegmentReader_NotParquet_SaysSoWithoutACrash()
    {
        using var stream = new MemoryStream("request_id,row\nx,0\n"u8.ToArray());

        var e = await Assert.ThrowsAsync<KeelException>(() => SegmentReader.ReadAsync(stream, "predictions:tiny@1:0", CancellationToken.None));

        Assert.StartsWith("predictions:tiny@1:0 is not a readable Parquet segment", e.Message);
    }

    private static MonitorSession Session(ReferenceProfile reference, string window) =>
        new("tiny", reference, new MonitorOptions(), new AlertPolicy(), WindowSpec.Parse(window), TimeProvider.System, new SafeAlertDispatcher([], _ => { }));

    // A capture segment whose schema changed: input.tenure kept, input.charges and input.contract gone, input.colour new.
    private static async Task<PredictionBatch> Segment(int n, DateTimeOffset time, Func<int, (double Tenure, string Colour)> row)
    {
        var fields = new DataField[]
        {
            new DataField<string>("request_id"), new DataField<int>("row"), new DataField<long>("time"), new DataField<string>("model"),
            new DataField<int>("version"), new DataField<double?>("input.tenure"), new DataField<string>("input.colour", true), new DataField<double?>("output.Probability"),
        };
        var schema = new ParquetSchema(fields);
        using var stream = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(schema, stream))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(fields[0], Enumerable.Range(0, n).Select(i => $"r{i}").ToArray());
            await group.WriteAsync<int>(fields[1], new int[n], null, null, CancellationToken.None);
            await group.WriteAsync<long>(fields[2], Enumerable.Range(0, n).Select(i => time.ToUnixTimeMilliseconds() + i).ToArray(), null, null, CancellationToken.None);
            await group.WriteAsync(fields[3], Enumerable.Repeat("tiny", n).ToArray());
            await group.WriteAsync<int>(fields[4], Enumerable.Repeat(1, n).ToArray(), null, null, CancellationToken.None);
            await group.WriteAsync<double>(fields[5], Enumerable.Range(0, n).Select(i => (double?)row(i).Tenure).ToArray(), null, null, CancellationToken.None);
            await group.WriteAsync(fields[6], Enumerable.Range(0, n).Select(i => row(i).Colour).ToArray());
            await group.WriteAsync<double>(fields[7], Enumerable.Range(0, n).Select(i => (double?)0.3).ToArray(), null, null, CancellationToken.None);
        }
        stream.Position = 0;
        return await SegmentReader.ReadAsync(stream, "test", CancellationToken.None);
    }

    private sealed class OneBatch(PredictionBatch batch) : IPredictionSource
    {
        public string Description => "one segment";

        public async IAsyncEnumerable<PredictionBatch> ReadAsync(DateTimeOffset? since, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.Yield();
            yield return batch;
        }
    }

    public Task DisposeAsync()
    {
        _ws.Dispose();
        return Task.CompletedTask;
    }
}
