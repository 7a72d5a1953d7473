using Keel.Metadata;
using Keel.Objects;
using Keel.Workspaces;

namespace Keel.Datasets;

/// <summary>What <c>keel add</c> did for one path.</summary>
/// <param name="StoredFiles">Files whose object was not in the store before: new ones, or ones stored again after going missing.</param>
public sealed record AddResult(DatasetVersion Version, bool Unchanged, long HashedBytes, int HashedFiles, int StoredFiles = 0);

/// <summary>
/// Versions a file or directory as the next version of a dataset. Objects are stored first
/// (each atomically), the version is recorded last in one transaction: a kill at any point
/// leaves either the old state or the new one, never half of it.
/// </summary>
public sealed class DatasetAdder(Workspace workspace, IProgress<long>? progress = null)
{
    /// <summary>How files go into a local object store; null takes <c>link:</c> from the workspace config.</summary>
    public LinkMode? Link { get; init; }

    /// <summary>Counts the bytes an add will read, so a caller can size a progress bar.</summary>
    public static long EstimateBytes(Workspace workspace, string path, string cwd)
    {
        var full = workspace.FullPath(workspace.RelativePath(path, cwd));
        if (File.Exists(full)) return new FileInfo(full).Length;
        return Directory.Exists(full)
            ? new DirectoryInfo(full).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length)
            : 0;
    }

    public async Task<AddResult> AddAsync(string path, string cwd, string? name, string? message, CancellationToken cancellationToken)
    {
        var rel = workspace.RelativePath(path, cwd);
        var full = workspace.FullPath(rel);
        List<ScannedFile> files;
        TreeKind kind;
        if (Directory.Exists(full))
        {
            files = TreeScanner.Scan(full, rel);
            if (files.Count == 0) throw new KeelException($"'{path}' is an empty directory; there is nothing to version");
            kind = TreeKind.Directory;
        }
        else if (File.Exists(full))
        {
            files = [new ScannedFile(rel, full)];
            kind = TreeKind.File;
            // A large file: the vector code compiles on the other core while the name is
            // checked and the latest version read.
            if (new FileInfo(full).Length >= Blake3Kernels.ColdSimdMin) Blake3Kernels.CompileInBackground();
        }
        else
        {
            throw new KeelException($"'{path}' does not exist; check the path");
        }
        foreach (var f in files) Manifest.ValidatePath(f.Relative);

        name ??= DatasetRef.NameFromPath(rel);
        DatasetRef.ValidateName(name);
        var datasets = workspace.Metadata.Datasets;
        var latest = await datasets.GetAsync(name, null, cancellationToken).ConfigureAwait(false);
        if (latest is not null && latest.Path != rel)
            throw DatasetPaths.AlreadyTracks(name, latest.Path, rel);

        Diagnostics.Trace($"add: {files.Count} files scanned, latest version read");
        var snapshotter = new Snapshotter(workspace, progress, Link ?? workspace.Config.Link);
        var (entries, stats) = snapshotter.SnapshotWithStats(files, store: true);
        cancellationToken.ThrowIfCancellationRequested();
        Diagnostics.Trace("add: hashed and stored");

        Digest digest;
        ManifestEntry[] relativeEntries;
        if (kind == TreeKind.Directory)
        {
            var prefix = rel.Length + 1;
            relativeEntries = Array.ConvertAll(entries, e => e with { Path = e.Path[prefix..] });
            var manifest = Manifest.Create(relativeEntries);
            var bytes = manifest.Serialize();
            digest = ContentHasher.Hash(bytes);
            workspace.Objects.Put(digest, bytes);
        }
        else
        {
            digest = entries[0].Digest;
            relativeEntries = [entries[0] with { Path = "" }];
        }

        if (latest is not null && latest.Digest == digest)
        {
            workspace.StatCache.Save();
            SaveStatusIndex(name, digest, rel, relativeEntries, stats);
            return new AddResult(latest, true, snapshotter.HashedBytes, snapshotter.HashedFiles, snapshotter.StoredFiles);
        }
        if (workspace.Config.DurableWrites) Durability.SyncFileSystem(workspace.KeelDir);

        var version = await datasets.AddVersionAsync(
            new NewDatasetVersion(name, digest, kind, rel, message, workspace.Time.GetUtcNow(),
                Agent.User, Agent.Host, entries.Length, entries.Sum(e => e.Size)),
            cancellationToken).ConfigureAwait(false);
        Diagnostics.Trace("add: version recorded");
        workspace.StatCache.Save();
        SaveStatusIndex(name, digest, rel, relativeEntries, stats);
        Diagnostics.Trace("add: stat cache and status index saved");
        return new AddResult(version, false, snapshotter.HashedBytes, snapshotter.HashedFiles, snapshotter.StoredFiles);
    }

    /// <summary>Lets the next <c>keel status</c> trust these stats without reading the manifest.</summary>
    private void SaveStatusIndex(string name, Digest digest, string path, ManifestEntry[] entries, FileStat[] stats) =>
        StatusIndex.FromSnapshot(digest, path, entries, stats, workspace.Time).Save(StatusIndex.FileFor(workspace.KeelDir, name));
}
