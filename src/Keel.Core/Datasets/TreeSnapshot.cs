using Keel.Metadata;
using Keel.Objects;
using Keel.Workspaces;

namespace Keel.Datasets;

/// <summary>The digest of a file or directory (a manifest for directories), its size and file count.</summary>
public sealed record TreeDigest(string Path, Digest Digest, TreeKind Kind, long Files, long Bytes);

/// <summary>
/// Digests a workspace path (file or directory), optionally storing every object, using the
/// stat cache. <paramref name="fullPath"/> may differ from the workspace path (a staging copy).
/// </summary>
internal static class TreeSnapshot
{
    public static TreeDigest? Capture(Workspace workspace, string relativePath, bool store, string? fullPath = null)
    {
        var full = fullPath ?? workspace.FullPath(relativePath);
        if (Directory.Exists(full))
        {
            var files = TreeScanner.Scan(full, relativePath);
            var entries = new Snapshotter(workspace).Snapshot(files, store);
            var prefix = relativePath.Length + 1;
            var manifest = Manifest.Create(entries.Select(e => e with { Path = e.Path[prefix..] }));
            var bytes = manifest.Serialize();
            var digest = ContentHasher.Hash(bytes);
            if (store) workspace.Objects.Put(digest, bytes);
            return new TreeDigest(relativePath, digest, TreeKind.Directory, entries.Length, entries.Sum(e => e.Size));
        }
        if (File.Exists(full))
        {
            var entry = new Snapshotter(workspace).Snapshot([new ScannedFile(relativePath, full)], store)[0];
            return new TreeDigest(relativePath, entry.Digest, TreeKind.File, 1, entry.Size);
        }
        return null;
    }

    /// <summary>Writes a stored file or directory at <paramref name="destination"/> (which must not exist).</summary>
    public static void Materialize(Workspace workspace, Digest digest, TreeKind kind, string destination)
    {
        if (kind == TreeKind.File)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            workspace.Objects.CopyTo(digest, destination);
            return;
        }
        var manifest = ManifestReader.Read(workspace.Objects, digest);
        Directory.CreateDirectory(destination);
        foreach (var e in manifest.Entries)
        {
            var dest = Path.Combine(destination, e.Path.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            workspace.Objects.CopyTo(e.Digest, dest);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dest, (UnixFileMode)e.Mode);
        }
    }
}
