using Keel.Metadata;
using Keel.Objects;
using Keel.Workspaces;

namespace Keel.Datasets;

/// <summary>What <c>keel checkout</c> wrote.</summary>
public sealed record CheckoutResult(DatasetVersion Version, string Target, int FilesWritten, int FilesKept, int FilesRemoved);

/// <summary>
/// Materialises a version's exact bytes as copies (never links into the store, so editing a
/// checked-out file cannot change a stored object). Each file is written to a temp name and
/// renamed, so an interrupted checkout leaves whole files only.
/// </summary>
public sealed class DatasetCheckout(Workspace workspace)
{
    public async Task<CheckoutResult> CheckoutAsync(string reference, string? output, string cwd, bool force, CancellationToken cancellationToken)
    {
        var version = await DatasetResolver.ResolveAsync(workspace, reference, cancellationToken).ConfigureAwait(false);
        var inWorkspace = output is null;
        var target = inWorkspace ? workspace.FullPath(version.Path) : Path.GetFullPath(Path.Combine(cwd, output!));
        // A new folder this checkout makes goes again when it stops half way (a damaged object).
        var newFolder = !inWorkspace && !Directory.Exists(target) && !File.Exists(target);
        try
        {
            return await CheckoutAsync(version, target, inWorkspace, force, cancellationToken).ConfigureAwait(false);
        }
        catch (KeelException) when (newFolder && Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
            throw;
        }
    }

    private async Task<CheckoutResult> CheckoutAsync(DatasetVersion version, string target, bool inWorkspace, bool force, CancellationToken cancellationToken)
    {

        if (inWorkspace && !force)
        {
            var latest = (await new DatasetStatus(workspace).CheckAsync(cancellationToken).ConfigureAwait(false))
                .FirstOrDefault(s => s.Version.Name == version.Name);
            if (latest is { State: ChangeState.Modified })
                throw new KeelException($"'{version.Path}' has changes that are not versioned; 'keel add {version.Path}' them first, or pass --force to discard them");
        }

        if (version.Kind == TreeKind.File)
        {
            if (!inWorkspace && Directory.Exists(target)) target = Path.Combine(target, Path.GetFileName(version.Path));
            Write(version, version.Path, version.Digest, target, inWorkspace ? version.Path : null);
            workspace.StatCache.Save();
            return new CheckoutResult(version, target, 1, 0, 0);
        }

        if (!inWorkspace && Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any() && !force)
            throw new KeelException($"'{target}' exists and is not empty; choose an empty or new folder, or pass --force to overwrite");

        var manifest = ManifestReader.Read(workspace.Objects, version.Digest);
        foreach (var e in manifest.Entries)
            if (!workspace.Objects.Contains(e.Digest)) throw new ObjectMissingException(e.Digest);

        int written = 0, kept = 0, removed = 0;
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in manifest.Entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var dest = Path.Combine(target, e.Path.Replace('/', Path.DirectorySeparatorChar));
            wanted.Add(dest);
            var rel = inWorkspace ? version.Path + "/" + e.Path : null;
            if (rel is not null && FileStat.Of(dest) is { } st && workspace.StatCache.Lookup(rel, st) == e.Digest)
            {
                kept++;
                continue;
            }
            Write(version, $"{version.Path}/{e.Path}", e.Digest, dest, rel, e.Mode);
            written++;
        }
        if (Directory.Exists(target))
        {
            // A checkout restores exactly the version: files it does not list go.
            foreach (var file in TreeScanner.Scan(target, "."))
            {
                if (wanted.Contains(file.Full)) continue;
                File.Delete(file.Full);
                if (inWorkspace) workspace.StatCache.Forget(version.Path + file.Relative[1..]);
                removed++;
            }
        }
        workspace.StatCache.Save();
        return new CheckoutResult(version, target, written, kept, removed);
    }

    private void Write(DatasetVersion version, string path, Digest digest, string dest, string? relativeForCache, int mode = 0b110_100_100)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
        var temp = dest + ".keel-tmp-" + Environment.ProcessId;
        try
        {
            // Checked in the same pass as the copy; a damaged object leaves no temp file.
            workspace.Objects.CopyTo(digest, temp);
        }
        catch (ObjectCorruptException e)
        {
            throw new KeelException(
                $"{version.Ref}: '{path}' ({digest}) is damaged in the object store: its bytes hash to {e.Actual}; refused, nothing damaged was written. "
                + $"Run 'keel fsck' to see what else it affects, and 'keel fsck --repair' to restore an intact copy from the workspace files or a remote", ExitCodes.CheckFailed, e);
        }
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, (UnixFileMode)mode);
        File.Move(temp, dest, overwrite: true);
        if (relativeForCache is not null && FileStat.Of(dest) is { } st) workspace.StatCache.Record(relativeForCache, st, digest);
    }
}
