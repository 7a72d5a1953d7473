using Keel.Datasets;
using Keel.Metadata;
using Keel.Pipelines;
using Keel.Workspaces;

namespace Keel.Objects;

/// <summary>An object <c>keel fsck --repair</c> put back, and where its bytes came from.</summary>
public sealed record RestoredObject(Digest Digest, string Source);

/// <summary>What <c>keel fsck --repair</c> found, mended, moved aside and could not restore.</summary>
/// <param name="MovedAside">Where the damaged bytes were kept (under <c>objects/damaged/</c>).</param>
/// <param name="NotRestored">What is still missing or corrupt afterwards, with what refers to it.</param>
public sealed record RepairReport(FsckReport Before, IReadOnlyList<RestoredObject> Restored, IReadOnlyList<string> MovedAside, IReadOnlyList<DamagedObject> NotRestored)
{
    public bool Healthy => NotRestored.Count == 0;
}

/// <summary>
/// <c>keel fsck --repair</c>: finds what fsck finds, then for each damaged object looks for
/// intact bytes (a workspace file that re-hashes to its digest, a directory whose manifest does,
/// a configured remote's verified copy) and puts them in place; a corrupt object is never
/// deleted but kept under <c>objects/damaged/</c>. It runs as a writer (gc waits), and each
/// object is replaced by one rename, so a kill leaves the store no worse than it found it.
/// </summary>
public sealed class FsckRepair(Workspace workspace, IReadOnlyList<KeyValuePair<string, string>> remotes)
{
    private const int Rounds = 3;

    public async Task<RepairReport> RunAsync(IProgress<long>? progress, CancellationToken cancellationToken)
    {
        if (workspace.Objects is not LocalObjectStore local)
            throw new KeelException($"'keel fsck --repair' mends a local object store (objects: file:...); this workspace keeps its objects in {Backends.Redact(workspace.Config.Objects)}: "
                + "check that store with its own tools, and copy intact objects into it with 'keel remote push' from a workspace that has them");
        using var writing = local.BeginWrites();
        var fsck = new Fsck(workspace);
        var before = await fsck.RunAsync(progress, cancellationToken).ConfigureAwait(false);
        var verified = local.List().ToHashSet();
        verified.ExceptWith(before.Damaged.Select(d => d.Digest));
        var report = before;
        var restored = new List<RestoredObject>();
        var aside = new List<string>();
        var opened = new Dictionary<string, IObjectStore>(StringComparer.Ordinal);
        try
        {
            // A restored manifest can reveal files nobody knew it listed: look again, a few times.
            for (var round = 0; round < Rounds && !report.Healthy; round++)
            {
                var wanted = report.Damaged.Select(d => d.Digest).ToHashSet();
                var paths = await CandidatePathsAsync(wanted, cancellationToken).ConfigureAwait(false);
                var progressed = false;
                foreach (var damaged in report.Damaged)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    // Another process may have mended it since the check.
                    if (!damaged.Missing && IsIntact(local, damaged.Digest)) continue;
                    var found = FromWorkspace(local, damaged.Digest, paths.GetValueOrDefault(damaged.Digest) ?? [])
                        ?? FromRemotes(local, damaged.Digest, opened);
                    if (found is { } f)
                    {
                        if (local.ReplaceDamaged(damaged.Digest, f.Temp) is { } kept) aside.Add(kept);
                        restored.Add(new RestoredObject(damaged.Digest, f.Source));
                        progressed = true;
                    }
                    else if (!damaged.Missing && local.MoveAside(damaged.Digest) is { } moved)
                    {
                        // Missing, it is stored again by the next 'keel add' of its file or a pull.
                        aside.Add(moved);
                    }
                }
                verified.UnionWith(restored.Select(r => r.Digest));
                report = await fsck.RunAsync(null, verified, cancellationToken).ConfigureAwait(false);
                if (!progressed) break;
            }
        }
        finally
        {
            foreach (var store in opened.Values) (store as IDisposable)?.Dispose();
        }
        return new RepairReport(before, restored, aside, report.Damaged);
    }

    private static bool IsIntact(LocalObjectStore local, Digest digest)
    {
        var path = local.PathOf(digest);
        return File.Exists(path) && ContentHasher.HashFile(path) == digest;
    }

    /// <summary>
    /// Workspace paths that may hold each wanted object: what the stat cache last saw there,
    /// every dataset version's path (and each file of a directory version), and keel.lock's
    /// deps and outs. Only candidates: each is re-hashed before it is used.
    /// </summary>
    private async Task<Dictionary<Digest, List<Candidate>>> CandidatePathsAsync(HashSet<Digest> wanted, CancellationToken cancellationToken)
    {
        var result = new Dictionary<Digest, List<Candidate>>();
        void Add(Digest d, string path, bool directory)
        {
            if (!wanted.Contains(d)) return;
            if (!result.TryGetValue(d, out var list)) result[d] = list = [];
            if (!list.Any(c => c.Path == path)) list.Add(new Candidate(path, directory));
        }
        void AddTree(string path, Digest digest, TreeKind kind)
        {
            if (kind == TreeKind.File)
            {
                Add(digest, path, directory: false);
                return;
            }
            Add(digest, path, directory: true);
            if (!workspace.Objects.Contains(digest)) return;
            try
            {
                foreach (var e in ManifestReader.Read(workspace.Objects, digest).Entries) Add(e.Digest, path + "/" + e.Path, directory: false);
            }
            catch (KeelException)
            {
                // The manifest is damaged itself: its files are found once it is restored (the next round).
            }
        }
        foreach (var d in wanted)
            foreach (var path in workspace.StatCache.PathsOf(d)) Add(d, path, directory: false);
        var datasets = workspace.Metadata.Datasets;
        foreach (var latest in await datasets.ListLatestAsync(cancellationToken).ConfigureAwait(false))
            foreach (var v in await datasets.HistoryAsync(latest.Name, cancellationToken).ConfigureAwait(false))
                AddTree(v.Path, v.Digest, v.Kind);
        try
        {
            foreach (var stage in LockFile.Read(Path.Combine(workspace.Root, LockFile.FileName)).Values)
                foreach (var p in stage.Deps.Concat(stage.Outs))
                    AddTree(p.Path, p.Digest, p.Kind);
        }
        catch (KeelException)
        {
            // A damaged keel.lock only means fewer places to look.
        }
        return result;
    }

    private sealed record Candidate(string Path, bool Directory);

    /// <summary>A temp file in the store holding the object's bytes, copied from a workspace file that re-hashes to it, or null.</summary>
    private (string Temp, string Source)? FromWorkspace(LocalObjectStore local, Digest digest, List<Candidate> candidates)
    {
        foreach (var c in candidates)
        {
            var full = workspace.FullPath(c.Path);
            try
            {
                var temp = c.Directory
                    ? Directory.Exists(full) ? FromDirectory(local, digest, c.Path, full) : null
                    : File.Exists(full) ? FromFile(local, digest, full) : null;
                if (temp is not null) return (temp, $"workspace {(c.Directory ? "folder" : "file")} {c.Path}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or KeelException)
            {
                // Unreadable or changing: not a source; the next candidate may be.
            }
        }
        return null;
    }

    private static string? FromFile(LocalObjectStore local, Digest digest, string full)
    {
        var temp = local.NewTempPath();
        using (var source = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16, FileOptions.SequentialScan))
        {
            // The digest is of exactly the bytes written: what lands in the store is what was checked.
            var (_, actual) = new HashingCopy().Copy(source, source.Length, temp);
            if (actual == digest) return temp;
        }
        File.Delete(temp);
        return null;
    }

    /// <summary>A directory's manifest, rebuilt from the folder as <c>keel add</c> builds it; kept only if it hashes to the digest.</summary>
    private string? FromDirectory(LocalObjectStore local, Digest digest, string relative, string full)
    {
        var entries = new Snapshotter(workspace).Snapshot(TreeScanner.Scan(full, relative), store: false);
        var prefix = relative.Length + 1;
        var bytes = Manifest.Create(entries.Select(e => e with { Path = e.Path[prefix..] })).Serialize();
        if (ContentHasher.Hash(bytes) != digest) return null;
        var temp = local.NewTempPath();
        File.WriteAllBytes(temp, bytes);
        return temp;
    }

    /// <summary>A verified copy from the first configured remote that holds the object intact, or null.</summary>
    private (string Temp, string Source)? FromRemotes(LocalObjectStore local, Digest digest, Dictionary<string, IObjectStore> opened)
    {
        foreach (var (name, uri) in remotes)
        {
            string? temp = null;
            try
            {
                if (!opened.TryGetValue(name, out var remote))
                    opened[name] = remote = Backends.OpenObjects(new BackendContext(uri, workspace.Root, workspace.Time));
                if (!remote.Contains(digest)) continue;
                temp = local.NewTempPath();
                // Hashed as it is copied; a remote's damaged copy throws and leaves nothing.
                remote.CopyTo(digest, temp);
                return (temp, $"remote {name}");
            }
            catch (Exception e) when (e is KeelException or IOException)
            {
                // Damaged there too, or unreachable: the next remote may have it.
                if (temp is not null && File.Exists(temp)) File.Delete(temp);
            }
        }
        return null;
    }
}
