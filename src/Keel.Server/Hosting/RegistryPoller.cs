using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Keel.Server.Hosting;

/// <summary>
/// Re-reads aliases every <see cref="ServingOptions.PollInterval"/> so an alias move or a canary
/// takes effect without a restart. A poll that fails (the database busy or unreachable for a
/// moment) is logged and the next one tries again: one bad moment must not stop the server from
/// ever following its aliases.
/// </summary>
internal sealed partial class RegistryPoller(ModelHost host, ServingOptions options, TimeProvider time, ILogger<RegistryPoller> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.PollInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await host.RefreshAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogPollFailed(logger, e.GetType().Name, e.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "reading the registry's aliases failed ({Kind}: {Reason}); trying again at the next poll")]
    private static partial void LogPollFailed(ILogger logger, string kind, string reason);
}
