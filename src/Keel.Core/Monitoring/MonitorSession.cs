using Keel.Monitoring.Profiles;

namespace Keel.Monitoring;

/// <summary>Reads a prediction source (and feedback), windows it, judges every window, tracks alerts and publishes to sinks.</summary>
public sealed class MonitorSession(
    string model,
    ReferenceProfile reference,
    MonitorOptions options,
    AlertPolicy policy,
    WindowSpec window,
    TimeProvider time,
    SafeAlertDispatcher dispatcher)
{
    /// <summary>The window profiles of the last pass, oldest first (for the report's distribution plots).</summary>
    public IReadOnlyList<WindowProfile> LastWindows { get; private set; } = [];

    /// <summary>One pass over everything the source holds (since <paramref name="since"/>).</summary>
    public async Task<MonitorResult> RunAsync(IPredictionSource source, IFeedbackSource? feedback, DateTimeOffset? since, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var windower = new Windower(reference, window, time);
        await foreach (PredictionBatch batch in source.ReadAsync(since, cancellationToken).ConfigureAwait(false))
        {
            windower.Add(batch);
        }

        var notes = new List<string>();
        if (feedback is not null)
        {
            await foreach (FeedbackLabel label in feedback.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                windower.AddFeedback(label);
            }

            if (windower.UnknownFeedback > 0)
            {
                notes.Add($"{windower.UnknownFeedback} feedback label(s) name request ids never seen in the monitored predictions (or already labelled); ignored");
            }
        }

        if (windower.Rows == 0)
        {
            notes.Add($"no predictions in {source.Description}{(since is null ? "" : $" since {since:O}")}: nothing to judge (this is not a pass)");
        }

        IReadOnlyList<WindowReport> reports = windower.Evaluate(options);
        LastWindows = [.. windower.Profiles];
        var tracker = new AlertTracker(policy);
        var states = new List<Severity>();
        int failuresBefore = dispatcher.Failures;
        foreach (WindowReport report in reports)
        {
            var (state, notify) = tracker.Observe(report);
            states.Add(state);
            await dispatcher.PublishAsync(new AlertEvent(model, report, state, notify, time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        }

        if (dispatcher.Failures > failuresBefore)
        {
            notes.Add($"{dispatcher.Failures - failuresBefore} alert sink failure(s); see stderr");
        }

        return new MonitorResult
        {
            Model = model,
            Source = source.Description,
            Window = window.ToString(),
            Rows = windower.Rows,
            Windows = reports,
            States = states,
            State = tracker.State,
            Alerted = tracker.AlertWindows > 0,
            DriftedWindows = reports.Count(w => !w.Insufficient && (w.Features.Any(f => f.Drifted) || w.Prediction is { Drifted: true })),
            AlertingWindows = reports.Count(w => !w.Insufficient && w.Severity == Severity.Alert),
            InsufficientWindows = reports.Count(w => w.Insufficient),
            Notes = notes,
        };
    }
}
