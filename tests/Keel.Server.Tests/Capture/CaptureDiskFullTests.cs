using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Keel.Cli.Tests;
using Keel.Server.Capture;
using Microsoft.Extensions.Logging;

namespace Keel.Server.Tests.Capture;

/// <summary>
/// A serve whose capture directory fills up under predict load (a small tmpfs; root only, else
/// SKIPPED with the reason): every prediction is still answered, every row is either logged or
/// counted as dropped, the failure is one clear log line, and what was logged stays readable.
/// </summary>
public sealed class CaptureDiskFullTests : IAsyncLifetime
{
    private const int BatchRows = 2_000;

    private ServingWorkspace _ws = null!;

    public async Task InitializeAsync() => _ws = await ServingWorkspace.CreateAsync();

    public Task DisposeAsync()
    {
        _ws.Dispose();
        return Task.CompletedTask;
    }

    [DiskFullFact]
    public async Task Predict_CaptureDiskFills_AnswersEveryRequestCountsDroppedRowsLogsOneLineKeepsTheLogReadable()
    {
        // Given a real Kestrel server whose .keel/capture is an 8 MiB tmpfs, logging into a list
        using var disk = SmallFileSystem.Mount(8);
        Directory.CreateSymbolicLink(Path.Combine(_ws.Workspace.KeelDir, "capture"), disk.Path);
        var lines = new CollectedLog();
        var options = new ServingOptions { Port = 0, SegmentRows = 1_000_000, SegmentAge = TimeSpan.FromHours(1) };
        var app = await KeelServer.BuildAsync(options, _ws.Workspace, l => l.AddProvider(lines), CancellationToken.None);
        long answeredRows = 0;
        await using (app)
        {
            await app.StartAsync();
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()), Timeout = TimeSpan.FromSeconds(60) };

            // When batches are predicted until the log has failed, and 20 batches more
            var rows = Enumerable.Range(0, BatchRows).Select(i => new { tenure = (double)(i % 72), charges = 20.0 + (i % 80), contract = (i % 3) switch { 0 => "monthly", 1 => "yearly", _ => "two-year" } }).ToArray();
            var after = -1;
            for (var i = 0; i < 400 && after < 20; i++)
            {
                using var response = await client.PostAsJsonAsync("/v1/models/tiny/predict", new { rows });

                // Then each is answered, with all its rows
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                Assert.Equal(BatchRows, json.RootElement.GetProperty("predictions").GetArrayLength());
                answeredRows += BatchRows;
                if (after >= 0) after++;
                else if (Series(await client.GetStringAsync("/metrics"), "keel_capture_dropped_total{reason=\"log_failed\"}") > 0) after = 0;
            }
            Assert.True(after >= 0, $"the 8 MiB capture file system never filled after {answeredRows} rows");

            // And every answered row is either in the log or counted as dropped because the log failed
            var metrics = await WaitForDrainedAsync(client, answeredRows);
            var logged = Series(metrics, "keel_capture_logged_rows_total");
            var dropped = Series(metrics, "keel_capture_dropped_total{reason=\"log_failed\"}");
            Assert.True(dropped >= 20 * BatchRows, $"{dropped} rows counted as dropped");
            Assert.Equal(answeredRows, logged + dropped + Series(metrics, "keel_capture_dropped_total{reason=\"queue_full\"}"));

            // And the log, read as recovery would after a kill, holds exactly the logged rows
            var log = Assert.Single(Directory.GetFiles(disk.Path, "*" + CaptureLog.Extension));
            await using (var file = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            {
                var (header, read, _) = CaptureLog.Read(file);
                Assert.Equal("tiny@1", header.Ref);
                Assert.Equal(logged, read.Count);
                Assert.All(read, r => Assert.Equal("monthly yearly two-year".Split(' ')[r.Row % 3], r.Inputs[2]));
            }
            // And at shutdown the logged rows become a segment that reads back whole
            await app.StopAsync();
            var segment = Assert.Single(KeelServer.Segments(app.Services));
            Assert.Equal(logged, segment.Rows);
            await using var stream = _ws.Workspace.Objects.OpenRead(segment.Digest);
            Assert.Equal(logged, (await SegmentReader.ReadAsync(stream, segment.Label, CancellationToken.None)).Count);
        }

        // And the failure is one Error line and the drop Warnings, not a line (or a stack trace) per request
        var entries = lines.Entries.ToList();
        Assert.All(entries, e => Assert.Null(e.Exception));
        Assert.All(entries, e => Assert.DoesNotContain("\n", e.Message, StringComparison.Ordinal));
        // (one Error per episode: a smaller batch may still fit after a cut-back, which logs "works again", and the next fails)
        var failed = entries.Where(e => e.Level == LogLevel.Error).ToList();
        var worksAgain = entries.Count(e => e.Message.StartsWith("appending to the capture log works again", StringComparison.Ordinal));
        Assert.NotEmpty(failed);
        Assert.Equal(worksAgain + 1, failed.Count);
        Assert.True(failed.Count <= 10, $"{failed.Count} Error lines for 20 batches on a full disk");
        Assert.All(failed, e => Assert.StartsWith("could not append captured rows of tiny@1 to the capture log: ", e.Message, StringComparison.Ordinal));
        Assert.All(failed, e => Assert.DoesNotContain("IO_", e.Message, StringComparison.Ordinal));
    }

    private static async Task<string> WaitForDrainedAsync(HttpClient client, long answeredRows)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var metrics = await client.GetStringAsync("/metrics");
            var accounted = Series(metrics, "keel_capture_logged_rows_total") + Series(metrics, "keel_capture_dropped_total{reason=\"log_failed\"}") + Series(metrics, "keel_capture_dropped_total{reason=\"queue_full\"}");
            if (accounted >= answeredRows || DateTime.UtcNow > deadline) return metrics;
            await Task.Delay(50);
        }
    }

    private static long Series(string metrics, string name) =>
        metrics.Split('\n').Where(l => l.StartsWith(name + " ", StringComparison.Ordinal)).Select(l => (long)double.Parse(l[(name.Length + 1)..], CultureInfo.InvariantCulture)).SingleOrDefault();
}
