using Keel.Server.Capture;
using Prometheus;

namespace Keel.Server;

/// <summary>The Prometheus series the server exports at /metrics, on a registry of its own (one per server).</summary>
internal sealed class ServingMetrics
{
    private readonly Counter _predictions;
    private readonly Counter _requests;
    private readonly Histogram _latency;
    private readonly Counter _swaps;
    private readonly Counter _swapFailures;
    private readonly Gauge _version;

    public ServingMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        var f = Metrics.WithCustomRegistry(Registry);
        // No exemplars: they cost every observation a trace-context lookup, and nothing here traces.
        f.ExemplarBehavior = ExemplarBehavior.NoExemplars();
        _predictions = f.CreateCounter("keel_predictions_total", "Rows predicted.", new CounterConfiguration { LabelNames = ["model", "version"] });
        _requests = f.CreateCounter("keel_requests_total", "Predict requests by the status of their answer, every status counted (model is (unknown) for a name not served).", new CounterConfiguration { LabelNames = ["model", "code"] });
        _latency = f.CreateHistogram("keel_predict_seconds", "Time to validate and predict one request.", new HistogramConfiguration
        {
            LabelNames = ["model"],
            Buckets = Histogram.ExponentialBuckets(0.0001, 2, 16),
        });
        _swaps = f.CreateCounter("keel_model_swaps_total", "Hot swaps done.", new CounterConfiguration { LabelNames = ["model"] });
        _swapFailures = f.CreateCounter("keel_model_swap_failures_total", "Hot swaps refused because the new version failed to load.", new CounterConfiguration { LabelNames = ["model"] });
        _version = f.CreateGauge("keel_model_version", "The stable version being served.", new GaugeConfiguration { LabelNames = ["model"] });
        var dropped = f.CreateCounter("keel_capture_dropped_total", "Captured rows dropped, by reason: queue_full (the capture queue was full), log_failed (the capture log could not be written).", new CounterConfiguration { LabelNames = ["reason"] });
        // Both series exist from the start, at 0, so a dashboard sees them before the first drop.
        _dropped = [dropped.WithLabels(CaptureDropReason.QueueFull.Label()), dropped.WithLabels(CaptureDropReason.LogFailed.Label())];
        CaptureWritten = f.CreateCounter("keel_capture_rows_written_total", "Captured rows written into Parquet segments.");
        CaptureSegments = f.CreateCounter("keel_capture_segments_total", "Parquet segments stored.");
        CaptureFailures = f.CreateCounter("keel_capture_failures_total", "Segments that could not be stored (rows kept for the next attempt).");
        CaptureQueued = f.CreateGauge("keel_capture_queue_rows", "Captured rows waiting in memory to be appended to the capture log.");
        CaptureLogged = f.CreateCounter("keel_capture_logged_rows_total", "Captured rows appended to the on-disk capture log (from then on they survive a kill).");
        CaptureLogRows = f.CreateGauge("keel_capture_log_rows", "Captured rows in capture logs not yet rotated into segments.");
        CaptureRecovered = f.CreateCounter("keel_capture_recovered_rows_total", "Captured rows recovered at start from logs a stopped server left behind.");
        Feedback = f.CreateCounter("keel_feedback_labels_total", "Ground-truth labels received.");
    }

    public CollectorRegistry Registry { get; }

    private readonly Counter.Child[] _dropped;

    /// <summary>The count of captured rows dropped for <paramref name="reason"/>.</summary>
    public Counter.Child CaptureDropped(CaptureDropReason reason) => _dropped[(int)reason];

    public Counter CaptureWritten { get; }

    public Counter CaptureSegments { get; }

    public Counter CaptureFailures { get; }

    public Gauge CaptureQueued { get; }

    public Counter CaptureLogged { get; }

    public Gauge CaptureLogRows { get; }

    public Counter CaptureRecovered { get; }

    public Counter Feedback { get; }

    // WithLabels allocates and looks up on every call; the hot path reuses the children per (model, version).
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Model, int Version), (Counter.Child Rows, Histogram.Child Latency, Counter.Child Ok)> _children = new();

    public void Predicted(string model, int version, int rows, double seconds)
    {
        var (predictions, latency, ok) = _children.GetOrAdd((model, version), static (key, self) => (
            self._predictions.WithLabels(key.Model, key.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            self._latency.WithLabels(key.Model),
            self._requests.WithLabels(key.Model, "200")), this);
        predictions.Inc(rows);
        latency.Observe(seconds);
        ok.Inc();
    }

    public void Refused(string model, int status) => _requests.WithLabels(model, status.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();

    public void Loaded(string model, int version) => _version.WithLabels(model).Set(version);

    public void Swapped(string model, int version)
    {
        _swaps.WithLabels(model).Inc();
        _version.WithLabels(model).Set(version);
    }

    public void SwapFailed(string model) => _swapFailures.WithLabels(model).Inc();
}
