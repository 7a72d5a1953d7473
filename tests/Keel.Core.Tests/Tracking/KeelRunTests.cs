using Keel.Tracking;
using Keel.Workspaces;

namespace Keel.Core.Tests.Tracking;

public sealed class KeelRunTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "keel-sdk-" + Guid.NewGuid().ToString("N"));

    public KeelRunTests()
    {
        using (Workspace.Init(_dir, TimeProvider.System))
        {
        }
    }

    private KeelRunOptions Options(int batch = 1000) => new() { Workspace = _dir, BatchSize = batch, FlushInterval = TimeSpan.FromHours(1), Seed = 11 };

    [Fact]
    public async Task Standalone_Dispose_FinishesWithMetricsParamsAndResources()
    {
        RunId id;
        await using (var run = await KeelRun.StartAsync("train", Options(batch: 7)))
        {
            id = run.Id;
            Assert.False(run.IsAttached);
            Assert.Equal(11, run.Seed);
            run.LogParam("lr", 0.5);
            for (var i = 0; i < 20; i++) run.LogMetric("loss", 1.0 / (i + 1), i);
            run.LogMetrics([new("a", double.NaN), new("b", 2)], step: 3);
        }
        using var ws = Workspace.Open(_dir, TimeProvider.System);
        var detail = (await ws.Metadata.Runs.GetDetailAsync(id, CancellationToken.None))!;
        Assert.Equal(RunStatus.Finished, detail.Run.Status);
        Assert.Equal("0.5", detail.Params["lr"]);
        Assert.Equal(20, (await ws.Metadata.Runs.MetricHistoryAsync(id, "loss", CancellationToken.None)).Count);
        Assert.True(double.IsNaN(detail.LatestMetrics["a"].Value));
        Assert.NotNull(detail.Run.Resources?.CpuSeconds);
        Assert.True(detail.Run.Resources!.PeakMemoryBytes > 0);
        Assert.NotNull(detail.Run.Environment);
    }

    [Fact]
    public async Task LogParam_Conflict_ThrowsAtTheCallNamingBothValues()
    {
        await using var run = await KeelRun.StartAsync("train", Options());
        run.LogParam("trainer", "lightgbm");
        run.LogParam("trainer", "lightgbm");
        var e = Assert.Throws<KeelException>(() => run.LogParam("trainer", "sdca"));
        Assert.Contains("'lightgbm'", e.Message, StringComparison.Ordinal);
        Assert.Contains("'sdca'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogMetric_BadKey_ThrowsAtTheCall()
    {
        await using var run = await KeelRun.StartAsync("train", Options());
        Assert.Throws<KeelException>(() => run.LogMetric("bad key", 1));
    }

    [Fact]
    public async Task MarkFailed_RecordsFailedWithTheReason()
    {
        RunId id;
        await using (var run = await KeelRun.StartAsync("train", Options()))
        {
            id = run.Id;
            run.MarkFailed("diverged");
        }
        using var ws = Workspace.Open(_dir, TimeProvider.System);
        var r = (await ws.Metadata.Runs.GetAsync(id, CancellationToken.None))!;
        Assert.Equal(RunStatus.Failed, r.Status);
        Assert.Equal("diverged", r.EndReason);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
