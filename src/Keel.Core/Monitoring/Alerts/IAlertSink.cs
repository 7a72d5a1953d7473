namespace Keel.Monitoring;

/// <summary>Where alert states go: a webhook, Prometheus gauges, a log. Implementations may fail; the dispatcher contains it.</summary>
public interface IAlertSink
{
    /// <summary>Short name for messages.</summary>
    string Name { get; }

    /// <summary>Publishes the state after one window.</summary>
    Task PublishAsync(AlertEvent alert, CancellationToken cancellationToken);
}
