using System.Globalization;
using Keel.Monitoring.Evaluation;
using Keel.Monitoring.Profiles;

namespace Keel.Monitoring;

/// <summary>
/// Cuts captured predictions into windows (by rows or by prediction time), joins feedback labels by request id,
/// and notes clock skew: a time in the future beyond the tolerance is counted and filed under "now"; a time
/// far behind the latest seen is counted as out of order and filed under its own window.
/// </summary>
public sealed class Windower
{
    private readonly ReferenceProfile _reference;
    private readonly WindowSpec _spec;
    private readonly TimeProvider _time;
    private readonly TimeSpan _tolerance;
    private readonly SortedDictionary<long, WindowState> _windows = [];
    private readonly Dictionary<string, (long Key, double Score)> _requests = new(StringComparer.Ordinal);
    private long _rowsSeen;
    private DateTimeOffset? _latest;

    /// <summary>Creates a windower; <paramref name="skewTolerance"/> defaults to 5 minutes.</summary>
    public Windower(ReferenceProfile reference, WindowSpec spec, TimeProvider time, TimeSpan? skewTolerance = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(time);
        _reference = reference;
        _spec = spec;
        _time = time;
        _tolerance = skewTolerance ?? TimeSpan.FromMinutes(5);
    }

    /// <summary>Feedback labels whose request id was never seen, or was already labelled (ignored, and reported; the first label wins).</summary>
    public long UnknownFeedback { get; private set; }

    /// <summary>Rows read so far.</summary>
    public long Rows => _rowsSeen;

    /// <summary>Windows so far, oldest first.</summary>
    public IEnumerable<WindowProfile> Profiles => _windows.Values.Select(w => w.Profile);

    /// <summary>Files a batch's rows into their windows.</summary>
    public void Add(PredictionBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var groups = new Dictionary<long, List<int>>();
        DateTimeOffset now = _time.GetUtcNow();
        for (int i = 0; i < batch.Count; i++)
        {
            long key = Key(batch, i, now, out string? skew);
            if (!groups.TryGetValue(key, out List<int>? rows))
            {
                groups[key] = rows = [];
            }

            rows.Add(i);
            WindowState state = State(key);
            if (skew is not null)
            {
                state.Skew[skew] = state.Skew.GetValueOrDefault(skew) + 1;
            }

            if (batch.RequestIds?[i] is { Length: > 0 } id && batch.Scores is { } scores)
            {
                _requests.TryAdd(id, (key, scores[i]));
            }

            _rowsSeen++;
        }

        foreach (var (key, rows) in groups)
        {
            State(key).Profile.Add(rows.Count == batch.Count ? batch : batch.Take([.. rows]));
        }
    }

    /// <summary>Joins a feedback label to the window that holds its request.</summary>
    public void AddFeedback(FeedbackLabel label)
    {
        ArgumentNullException.ThrowIfNull(label);
        if (!_requests.Remove(label.RequestId, out var hit))
        {
            UnknownFeedback++;
            return;
        }

        _windows[hit.Key].Profile.AddFeedback(hit.Score, label.Label);
    }

    /// <summary>Evaluates every window, oldest first.</summary>
    public IReadOnlyList<WindowReport> Evaluate(MonitorOptions options)
    {
        var reports = new List<WindowReport>();
        int index = 0;
        foreach (var (key, state) in _windows)
        {
            var extra = state.Skew.Select(kv => new QualityIssue(null, "clock_skew", Severity.Warn, kv.Key switch
            {
                "future" => $"{kv.Value} row(s) have timestamps more than {_tolerance.TotalMinutes:0} min in the future (clock skew); filed under now",
                "out_of_order" => $"{kv.Value} row(s) arrived more than {_tolerance.TotalMinutes:0} min behind the latest timestamp (clock skew or late capture)",
                _ => $"{kv.Value} row(s) have no timestamp; filed with the latest window",
            }, kv.Value)).ToList();
            reports.Add(WindowEvaluator.Evaluate(state.Profile, options, index++, Label(key, state.Profile), extra));
        }

        return reports;
    }

    private long Key(PredictionBatch batch, int i, DateTimeOffset now, out string? skew)
    {
        skew = null;
        DateTimeOffset? t = batch.Times?[i];
        if (t is { } time)
        {
            if (time > now + _tolerance)
            {
                skew = "future";
                time = now;
            }
            else if (_latest is { } latest && time < latest - _tolerance)
            {
                skew = "out_of_order";
            }

            _latest = _latest is null || time > _latest ? time : _latest;
            t = time;
        }

        if (_spec.Rows is int rows)
        {
            return _rowsSeen / rows;
        }

        if (t is null)
        {
            skew = "no_timestamp";
            t = _latest ?? DateTimeOffset.UnixEpoch;
        }

        return (t.Value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / _spec.Span!.Value.Ticks;
    }

    private WindowState State(long key)
    {
        if (!_windows.TryGetValue(key, out WindowState? state))
        {
            _windows[key] = state = new WindowState(new WindowProfile(_reference));
        }

        return state;
    }

    private string Label(long key, WindowProfile profile)
    {
        if (_spec.Rows is int rows)
        {
            return $"rows {(key * rows) + 1}-{(key * rows) + profile.Rows}";
        }

        var start = new DateTimeOffset(DateTimeOffset.UnixEpoch.UtcTicks + (key * _spec.Span!.Value.Ticks), TimeSpan.Zero);
        return start.ToString("yyyy-MM-ddTHH:mm'Z'", CultureInfo.InvariantCulture) + " +" + _spec;
    }

    private sealed record WindowState(WindowProfile Profile)
    {
        public Dictionary<string, long> Skew { get; } = new(StringComparer.Ordinal);
    }
}
