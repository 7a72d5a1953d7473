namespace Keel.Monitoring;

/// <summary>
/// Turns per-window severities into a sustained state: alert when at least k of the last n windows alert
/// (insufficient windows count as ok), warn when the latest window warns or alerts without persistence.
/// A notification is sent on entering alert and again only after the cooldown.
/// </summary>
public sealed class AlertTracker
{
    private readonly AlertPolicy _policy;
    private readonly Queue<Severity> _recent = new();
    private int _cooldown;

    /// <summary>Creates a tracker for a policy.</summary>
    public AlertTracker(AlertPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        policy.Validate();
        _policy = policy;
    }

    /// <summary>The state after the last window.</summary>
    public Severity State { get; private set; }

    /// <summary>Windows that ended in the alert state.</summary>
    public int AlertWindows { get; private set; }

    /// <summary>Feeds one window; returns its state and whether to notify.</summary>
    public (Severity State, bool Notify) Observe(WindowReport window)
    {
        ArgumentNullException.ThrowIfNull(window);
        _recent.Enqueue(window.Insufficient ? Severity.Ok : window.Severity);
        while (_recent.Count > _policy.Of)
        {
            _recent.Dequeue();
        }

        Severity previous = State;
        int alerts = _recent.Count(s => s == Severity.Alert);
        State = alerts >= _policy.Alerts ? Severity.Alert : window.Severity >= Severity.Warn ? Severity.Warn : Severity.Ok;
        bool notify = false;
        if (State == Severity.Alert)
        {
            AlertWindows++;
            notify = previous != Severity.Alert || _cooldown <= 0;
            _cooldown = notify ? _policy.CooldownWindows : _cooldown - 1;
        }
        else
        {
            _cooldown = 0;
        }

        return (State, notify);
    }
}
