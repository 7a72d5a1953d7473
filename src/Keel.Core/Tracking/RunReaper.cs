using Keel.Metadata;
using Keel.Tracking.Capture;

namespace Keel.Tracking;

/// <summary>
/// Marks runs whose owner died as killed, so nothing shows as running forever: on this host
/// when the owner pid (with its start time) is gone; elsewhere when the heartbeat is stale.
/// Readers call it before listing.
/// </summary>
public static class RunReaper
{
    /// <summary>How often a run's owner records that it is alive.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(30);

    /// <summary>A run on another host without a heartbeat for this long is taken as dead.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(5);

    /// <summary>Returns how many runs were marked killed.</summary>
    public static async Task<int> ReapAsync(IRunStore runs, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(time);
        var now = time.GetUtcNow();
        var reaped = 0;
        foreach (var run in await runs.ListRunningAsync(cancellationToken).ConfigureAwait(false))
        {
            string? reason = null;
            if (run.Host == Agent.Host && run.Pid is { } pid)
            {
                if (!ProcessIdentity.IsAlive(pid, run.ProcessStart)) reason = $"process {pid} on {run.Host} is gone";
            }
            else if (now - run.Heartbeat > StaleAfter)
            {
                reason = $"no heartbeat since {run.Heartbeat:u}";
            }
            if (reason is null) continue;
            try
            {
                var wall = (run.Heartbeat - run.StartedAt).TotalSeconds;
                await runs.FinishAsync(run.Id, new RunCompletion(RunStatus.Killed, run.Heartbeat, null, new RunResources(null, null, wall), reason), cancellationToken).ConfigureAwait(false);
                reaped++;
            }
            catch (KeelException)
            {
                // It ended by itself between the listing and now.
            }
        }
        return reaped;
    }
}
