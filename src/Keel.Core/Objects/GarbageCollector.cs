using Keel.Workspaces;

namespace Keel.Objects;

/// <summary>What <c>keel gc</c> removed (or would remove).</summary>
public sealed record GcReport(int Kept, int Removed, long BytesRemoved, int SkippedRecent, int TempFilesRemoved, bool DryRun);

/// <summary>
/// Deletes only objects nothing references. Objects younger than the grace period are kept,
/// because a concurrent <c>keel add</c> stores its objects before it records the version.
/// </summary>
public sealed class GarbageCollector(Workspace workspace)
{
    public static readonly TimeSpan DefaultGrace = TimeSpan.FromHours(1);

    public async Task<GcReport> RunAsync(bool dryRun, TimeSpan grace, CancellationToken cancellationToken)
    {
        var store = workspace.Objects;
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
