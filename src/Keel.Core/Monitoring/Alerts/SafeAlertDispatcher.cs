namespace Keel.Monitoring;

/// <summary>Publishes to every sink; a failing sink is reported through <c>onError</c> and never stops monitoring.</summary>
public sealed class SafeAlertDispatcher(IReadOnlyList<IAlertSink> sinks, Action<string> onError)
{
    /// <summary>Failures so far, across sinks.</summary>
    public int Failures { get; private set; }

    /// <summary>Publishes one event to every sink, each isolated from the others.</summary>
    public async Task PublishAsync(AlertEvent alert, CancellationToken cancellationToken)
    {
        foreach (IAlertSink sink in sinks)
        {
            try
            {
                await sink.PublishAsync(alert, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Failures++;
                onError($"alert sink '{sink.Name}' failed ({e.GetType().Name}: {e.Message}); monitoring continues");
            }
        }
    }
}
