using System.Collections.Concurrent;
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
/// <c>keel status</c>: compares each tracked path with its latest version. A file whose stat
/// matches the stat cache is trusted without reading it; only files whose stat changed are hashed.
/// </summary>
public sealed class DatasetStatus(Workspace workspace)
{
    public async Task<IReadOnlyList<PathStatus>> CheckAsync(CancellationToken cancellationToken)
    {
        var versions = await workspace.Metadata.Datasets.ListLatestAsync(cancellationToken).ConfigureAwait(false);
        Diagnostics.Trace("status: versions listed");
        var results = new List<PathStatus>(versions.Count);
        foreach (var v in versions)
            results.Add(v.Kind == TreeKind.File ? CheckFile(v) : CheckDirectory(v));
        workspace.StatCache.Save();
        return results;
    }

    private PathStatus CheckFile(DatasetVersion v)
    {
        var full = workspace.FullPath(v.Path);
        if (!File.Exists(full)) return new PathStatus(v, ChangeState.Deleted, [new FileChange(v.Path, ChangeState.Deleted)]);
        var digest = Digests([new ScannedFile(v.Path, full)])[0];
        return digest == v.Digest
            ? new PathStatus(v, ChangeState.Unchanged, [])
            : new PathStatus(v, ChangeState.Modified, [new FileChange(v.Path, ChangeState.Modified)]);
    }

    private PathStatus CheckDirectory(DatasetVersion v)
    {
        var full = workspace.FullPath(v.Path);
        if (!Directory.Exists(full)) return new PathStatus(v, ChangeState.Deleted, [new FileChange(v.Path, ChangeState.Deleted)]);
        var manifest = ManifestReader.Read(workspace.Objects, v.Digest);
        Diagnostics.Trace($"status: {v.Ref} manifest read ({manifest.Entries.Count} entries)");
        var expected = new Dictionary<string, ManifestEntry>(manifest.Entries.Count, StringComparer.Ordinal);
        var prefix = v.Path + "/";
        foreach (var e in manifest.Entries) expected[prefix + e.Path] = e;

        var files = TreeScanner.Scan(full, v.Path, sorted: false);
        Diagnostics.Trace($"status: {v.Path} scanned ({files.Count} files)");
        var cache = workspace.StatCache;
        Diagnostics.Trace("status: stat cache loaded");
        var changes = new ConcurrentBag<FileChange>();
        var toHash = new ConcurrentBag<ScannedFile>();
        Parallel.ForEach(
            System.Collections.Concurrent.Partitioner.Create(0, files.Count, 4096),
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount },
            range =>
            {
                for (var i = range.Item1; i < range.Item2; i++)
                {
                    var f = files[i];
                    if (!expected.TryGetValue(f.Relative, out var want))
                    {
                        changes.Add(new FileChange(f.Relative, ChangeState.Added));
                        continue;
                    }
                    var st = FileStat.Of(f.Full);
                    if (st is null)
                    {
                        changes.Add(new FileChange(f.Relative, ChangeState.Deleted));
                        continue;
                    }
                    var cached = cache.Lookup(f.Relative, st.Value);
                    if (cached is null) toHash.Add(f);
                    else if (cached.Value != want.Digest) changes.Add(new FileChange(f.Relative, ChangeState.Modified));
                }
            });
        Diagnostics.Trace($"status: stat pass done ({toHash.Count} to hash)");
        if (!toHash.IsEmpty)
        {
            var list = toHash.ToList();
            var digests = Digests(list);
            for (var i = 0; i < list.Count; i++)
                if (digests[i] != expected[list[i].Relative].Digest) changes.Add(new FileChange(list[i].Relative, ChangeState.Modified));
        }
        if (files.Count != expected.Count || changes.Any(c => c.State == ChangeState.Added))
        {
            var present = new HashSet<string>(files.Select(f => f.Relative), StringComparer.Ordinal);
            foreach (var path in expected.Keys)
                if (!present.Contains(path)) changes.Add(new FileChange(path, ChangeState.Deleted));
        }
        var sorted = changes.OrderBy(c => c.Path, StringComparer.Ordinal).ToList();
        return new PathStatus(v, sorted.Count == 0 ? ChangeState.Unchanged : ChangeState.Modified, sorted);
    }

    private Digest[] Digests(IReadOnlyList<ScannedFile> files) =>
        new Snapshotter(workspace).Snapshot(files, store: false).Select(e => e.Digest).ToArray();
}
