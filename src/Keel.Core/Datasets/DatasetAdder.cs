using Keel.Metadata;
using Keel.Objects;
using Keel.Workspaces;

namespace Keel.Datasets;

/// <summary>What <c>keel add</c> did for one path.</summary>
public sealed record AddResult(DatasetVersion Version, bool Unchanged, long HashedBytes, int HashedFiles);

/// <summary>
/// Versions a file or directory as the next version of a dataset. Objects are stored first
/// (each atomically), the version is recorded last in one transaction: a kill at any point
/// leaves either the old state or the new one, never half of it.
/// </summary>
public sealed class DatasetAdder(Workspace workspace, IProgress<long>? progress = null)
{
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

        var snapshotter = new Snapshotter(workspace, progress);
        var entries = snapshotter.Snapshot(files, store: true);
        cancellationToken.ThrowIfCancellationRequested();

        Digest digest;
        if (kind == TreeKind.Directory)
        {
            var prefix = rel.Length + 1;
            var manifest = Manifest.Create(entries.Select(e => e with { Path = e.Path[prefix..] }));
            var bytes = manifest.Serialize();
            digest = ContentHasher.Hash(bytes);
            workspace.Objects.Put(digest, bytes);
        }
        else
        {
            digest = entries[0].Digest;
        }

        if (latest is not null && latest.Digest == digest)
        {
            workspace.StatCache.Save();
            return new AddResult(latest, true, snapshotter.HashedBytes, snapshotter.HashedFiles);
        }
        if (workspace.Config.DurableWrites) Durability.SyncFileSystem(workspace.KeelDir);

        var version = await datasets.AddVersionAsync(
            new NewDatasetVersion(name, digest, kind, rel, message, workspace.Time.GetUtcNow(),
                Agent.User, Agent.Host, entries.Length, entries.Sum(e => e.Size)),
            cancellationToken).ConfigureAwait(false);
        workspace.StatCache.Save();
        return new AddResult(version, false, snapshotter.HashedBytes, snapshotter.HashedFiles);
    }
}
