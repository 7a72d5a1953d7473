using Keel.Metadata;
using Keel.Objects;
using Keel.Workspaces;

namespace Keel.Datasets;

/// <summary>How a tracked path or a file in it compares with its latest version.</summary>
public enum ChangeState
{
    Unchanged,
    Modified,
    Added,
    Deleted,
}

/// <summary>One file that differs from the latest version.</summary>
public sealed record FileChange(string Path, ChangeState State);

/// <summary>A tracked path against the latest version of its dataset.</summary>
public sealed record PathStatus(DatasetVersion Version, ChangeState State, IReadOnlyList<FileChange> Changes);

/// <summary>
/// <c>keel status</c>: compares each tracked path with its latest version. It reads the
/// dataset's <see cref="StatusIndex"/> (not the manifest, not the stat cache) and walks the
/// folder once: a file whose stat matches its index entry is unchanged without being read; only
/// the others go through the stat cache or a hash, and those found unchanged are trusted from
/// then on.
/// </summary>
public sealed class DatasetStatus(Workspace workspace)
{
    public async Task<IReadOnlyList<PathStatus>> CheckAsync(CancellationToken cancellationToken)
    {
        var versions = await workspace.Metadata.Datasets.ListLatestAsync(cancellationToken).ConfigureAwait(false);
        Diagnostics.Trace("status: versions listed");
        var results = new List<PathStatus>(versions.Count);
        foreach (var v in versions) results.Add(Check(v));
        workspace.SaveStatCache();
        return results;
    }

    private PathStatus Check(DatasetVersion v)
    {
        var full = workspace.FullPath(v.Path);
        var isDirectory = v.Kind == TreeKind.Directory;
        if (isDirectory ? !Directory.Exists(full) : !File.Exists(full))
            return new PathStatus(v, ChangeState.Deleted, [new FileChange(v.Path, ChangeState.Deleted)]);

        var indexFile = StatusIndex.FileFor(workspace.KeelDir, v.Name);
        var index = StatusIndex.Load(indexFile, v.Digest, v.Path) ?? Rebuild(v);
        Diagnostics.Trace($"status: {v.Ref} index ready ({index.Count} entries)");

        var seen = new bool[index.Count];
        var gate = new Lock();
        var changes = new List<FileChange>();
        var pending = new List<int>();
        var prefix = v.Path + "/";
        void Visit(ReadOnlySpan<byte> relative, in FileStat stat, bool hasStat)
        {
            var i = index.Find(relative);
            if (i >= 0) seen[i] = true;
            if (i >= 0 && hasStat && index.Matches(i, stat)) return;
            lock (gate)
            {
                if (i < 0) changes.Add(new FileChange(prefix + System.Text.Encoding.UTF8.GetString(relative), ChangeState.Added));
                else if (!hasStat) changes.Add(new FileChange(prefix + index.PathOf(i), ChangeState.Deleted));
                else pending.Add(i);
            }
        }

        if (isDirectory)
        {
            TreeWalker.Walk(full, Visit);
        }
        else
        {
            var stat = FileStat.Of(full);
            Visit([], stat.GetValueOrDefault(), stat.HasValue);
        }
        Diagnostics.Trace($"status: {v.Path} walked ({pending.Count} to check)");

        for (var i = 0; i < seen.Length; i++)
            if (!seen[i]) changes.Add(new FileChange(isDirectory ? prefix + index.PathOf(i) : v.Path, ChangeState.Deleted));

        if (pending.Count > 0)
        {
            var files = pending.ConvertAll(i => isDirectory
                ? new ScannedFile(prefix + index.PathOf(i), Path.Combine(full, index.PathOf(i).Replace('/', Path.DirectorySeparatorChar)))
                : new ScannedFile(v.Path, full));
            var (entries, stats) = new Snapshotter(workspace).SnapshotWithStats(files, store: false);
            for (var k = 0; k < pending.Count; k++)
            {
                if (index.DigestEquals(pending[k], entries[k].Digest)) index.Trust(pending[k], stats[k], workspace.Time);
                else changes.Add(new FileChange(files[k].Relative, ChangeState.Modified));
            }
        }
        if (index.Dirty) index.Save(indexFile);

        changes.Sort(static (a, b) => string.CompareOrdinal(a.Path, b.Path));
        if (!isDirectory && changes.Count > 0)
            return new PathStatus(v, changes[0].State == ChangeState.Deleted ? ChangeState.Deleted : ChangeState.Modified, [new FileChange(v.Path, changes[0].State)]);
        return new PathStatus(v, changes.Count == 0 ? ChangeState.Unchanged : ChangeState.Modified, changes);
    }

    /// <summary>An index with every entry untrusted, from the version's manifest.</summary>
    private StatusIndex Rebuild(DatasetVersion v)
    {
        if (v.Kind == TreeKind.File)
            return StatusIndex.FromManifest(v.Digest, v.Path, [new ManifestEntry("", v.Bytes, 0b110_100_100, v.Digest)]);
        var manifest = ManifestReader.Read(workspace.Objects, v.Digest);
        return StatusIndex.FromManifest(v.Digest, v.Path, manifest.Entries);
    }
}
