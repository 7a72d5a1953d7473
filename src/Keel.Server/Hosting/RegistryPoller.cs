using Microsoft.Extensions.Hosting;

namespace Keel.Server.Hosting;

/// <summary>Re-reads aliases every <see cref="ServingOptions.PollInterval"/> so an alias move or a canary takes effect without a restart.</summary>
internal sealed class RegistryPoller(ModelHost host, ServingOptions options, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.PollInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
                await host.RefreshAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
