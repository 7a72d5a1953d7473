using System.Threading.Channels;
using Keel.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace Keel.Server.Capture;

/// <summary>
/// The hand-off between requests and the segment writer: a queue bounded at
/// <see cref="ServingOptions.CaptureQueue"/> rows, written without waiting. When it is full the
/// row is dropped, counted by reason in <c>keel_capture_dropped_total</c>, and the request that
/// offered it says so in its response; a prediction never waits for or fails because of capture.
/// </summary>
internal sealed partial class PredictionCapture(ServingOptions options, ServingMetrics metrics, ILogger<PredictionCapture> logger)
{
    private readonly Channel<CapturedPrediction> _queue = Channel.CreateBounded<CapturedPrediction>(new BoundedChannelOptions(Math.Max(1, options.CaptureQueue))
    {
        // Wait mode: TryWrite then returns false when full (DropWrite would report success and drop silently), and it never waits.
        FullMode = BoundedChannelFullMode.Wait,
        SingleReader = true,
        SingleWriter = false,
    });

    private long _dropped;

    public bool Enabled { get; } = options.Capture;

    public ChannelReader<CapturedPrediction> Reader => _queue.Reader;

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues the row; false when the queue is full and it was dropped (the caller counts it with <see cref="CountLost"/>).</summary>
    public bool Offer(CapturedPrediction row) => !Enabled || _queue.Writer.TryWrite(row);

    /// <summary>Counts rows that will not reach a segment, and says so in the log once per 10,000, not once per row.</summary>
    public void CountLost(int rows, CaptureDropReason reason)
    {
        if (rows <= 0) return;
        metrics.CaptureDropped(reason).Inc(rows);
        var before = Interlocked.Add(ref _dropped, rows) - rows;
        if (before / 10_000 != (before + rows) / 10_000 || before == 0) LogDropped(logger, Dropped, reason.Label());
    }

    public void Complete() => _queue.Writer.TryComplete();

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "prediction capture dropped rows: {Dropped} so far, the last ones because of {Reason}; see keel_capture_dropped_total")]
    private static partial void LogDropped(ILogger logger, long dropped, string reason);
}
