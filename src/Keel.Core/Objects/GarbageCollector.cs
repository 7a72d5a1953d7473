using Keel.Workspaces;

namespace Keel.Objects;

/// <summary>What <c>keel gc</c> removed (or would remove).</summary>
public sealed record GcReport(int Kept, int Removed, long BytesRemoved, int SkippedRecent, int TempFilesRemoved, bool DryRun);

/// <summary>
/// Deletes only objects nothing references. It keeps every writer out while it marks and
/// sweeps (<see cref="IWriterExclusion"/>): a writer announces itself before its first object
/// write or existence check and stays until its metadata is committed, so either gc's mark sees
/// that writer's commit, or the writer runs after the sweep and finds (and stores) what it needs.
/// Objects younger than the grace period are kept as well, for stores without exclusion and for
/// objects pushed by a workspace whose metadata this one does not see.
/// </summary>
public sealed class GarbageCollector(Workspace workspace)
{
    public static readonly TimeSpan DefaultGrace = TimeSpan.FromHours(1);

    /// <summary>How long gc waits for running writers before it gives up and names them.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30);

    public Task<GcReport> RunAsync(bool dryRun, TimeSpan grace, CancellationToken cancellationToken) =>
        RunAsync(dryRun, grace, DefaultWait, cancellationToken);

    public async Task<GcReport> RunAsync(bool dryRun, TimeSpan grace, TimeSpan wait, CancellationToken cancellationToken)
    {
        var store = workspace.Objects;
        using var excluded = store is IWriterExclusion exclusion ? exclusion.ExcludeWriters(wait, cancellationToken) : null;
        var unreadable = new List<Digest>();
        var live = await Reachability.ComputeAsync(workspace.Metadata, store, unreadable, cancellationToken).ConfigureAwait(false);
        if (unreadable.Count > 0)
            throw new KeelException(
                $"gc cannot tell what {unreadable.Count} damaged or missing manifest(s) keep alive (first: {unreadable[0]}); run 'keel fsck' and repair first",
                ExitCodes.CheckFailed);
        var cutoff = workspace.Time.GetUtcNow() - grace;
        int kept = 0, removed = 0, recent = 0, temps = 0;
        long bytes = 0;
        foreach (var d in store.List().ToList())
        {
            if (live.ContainsKey(d))
            {
                kept++;
                continue;
            }
            if (store.StoredAt(d) is { } at && at > cutoff)
            {
                recent++;
                continue;
            }
            bytes += store.SizeOf(d) ?? 0;
            removed++;
            if (!dryRun) store.Delete(d);
        }
        if (store is LocalObjectStore local)
        {
            // Temp folders of processes that are gone go whatever their age; loose temp files of
            // older versions name no owner, so only the grace period tells they are abandoned.
            if (!dryRun) temps += local.RemoveAbandonedTemps();
            var emptied = new HashSet<string>(StringComparer.Ordinal);
            foreach (var temp in local.TempFiles().ToList())
            {
                if (temp.LastWriteTimeUtc > cutoff.UtcDateTime) continue;
                temps++;
                if (dryRun) continue;
                temp.Delete();
                emptied.Add(temp.DirectoryName!);
            }
            if (!dryRun) local.RemoveEmptyTempFolders(cutoff, emptied);
        }
        return new GcReport(kept, removed, bytes, recent, temps, dryRun);
    }
}
