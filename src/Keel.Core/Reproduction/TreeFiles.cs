using Keel.Objects;

namespace Keel.Reproduction;

/// <summary>
/// Hashes a file or a folder the way the pipeline records it (a folder is a manifest of its
/// files), and writes a stored object (file or manifest) back out, outside any workspace and
/// without the stat cache, so nothing is trusted that was not re-read.
/// </summary>
internal static class TreeFiles
{
    public const int RegularMode = 0b110_100_100;
    public const int ExecutableMode = 0b111_101_101;

    /// <summary>The digest of a path, the manifest bytes when it is a folder, or null when it does not exist.</summary>
    public static (Digest Digest, byte[]? Manifest, long Bytes)? Hash(string fullPath)
    {
        if (File.Exists(fullPath))
            return (ContentHasher.HashFile(fullPath), null, new FileInfo(fullPath).Length);
        if (!Directory.Exists(fullPath)) return null;
        var entries = new List<ManifestEntry>();
        foreach (var file in Directory.EnumerateFiles(fullPath, "*", SearchOption.AllDirectories))
        {
            var info = new FileInfo(file);
            if (info.LinkTarget is not null) continue;
            var rel = Path.GetRelativePath(fullPath, file).Replace(Path.DirectorySeparatorChar, '/');
            var exec = !OperatingSystem.IsWindows() && (info.UnixFileMode & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
            entries.Add(new ManifestEntry(rel, info.Length, exec ? ExecutableMode : RegularMode, ContentHasher.HashFile(file)));
        }
        var manifest = Manifest.Create(entries);
        var bytes = manifest.Serialize();
        return (ContentHasher.Hash(bytes), bytes, manifest.TotalBytes);
    }

    /// <summary>
    /// Stores what <see cref="Hash"/> found at a path, hashing every file again as it is copied
    /// (into a local store: in one pass), so bytes changed since they were hashed are never stored
    /// under the old digest. False, and nothing stored for that path, when a file changed.
    /// </summary>
    public static bool StoreHashed(IObjectStore store, string fullPath, (Digest Digest, byte[]? Manifest, long Bytes) hashed)
    {
        if (hashed.Manifest is null) return StoreFile(store, hashed.Digest, fullPath);
        foreach (var e in Manifest.Parse(hashed.Manifest).Entries)
            if (!StoreFile(store, e.Digest, Path.Combine(fullPath, e.Path.Replace('/', Path.DirectorySeparatorChar)))) return false;
        store.Put(hashed.Digest, hashed.Manifest);
        return true;
    }

    private static bool StoreFile(IObjectStore store, Digest digest, string path)
    {
        if (store.Contains(digest)) return true;
        if (store is not LocalObjectStore local)
        {
            if (ContentHasher.HashFile(path) != digest) return false;
            store.PutFile(digest, path);
            return true;
        }
        var temp = local.NewTempPath();
        try
        {
            using var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            var (_, copied) = new HashingCopy().Copy(source, source.Length, temp);
            if (copied != digest)
            {
                File.Delete(temp);
                return false;
            }
            local.Publish(temp, local.PathOf(digest));
            return true;
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>True when the object is a manifest.</summary>
    public static bool IsManifest(IObjectStore store, Digest digest)
    {
        using var s = store.OpenRead(digest);
        Span<byte> head = stackalloc byte[16];
        var n = s.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        return Manifest.LooksLikeManifest(head[..n]);
    }

    /// <summary>Writes an object at <paramref name="fullPath"/>: a file, or a folder holding exactly a manifest's files.</summary>
    public static void Materialize(IObjectStore store, Digest digest, string fullPath)
    {
        if (!store.Contains(digest)) throw new ObjectMissingException(digest);
        if (File.Exists(fullPath)) File.Delete(fullPath);
        if (Directory.Exists(fullPath)) Directory.Delete(fullPath, recursive: true);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        if (!IsManifest(store, digest))
        {
            CopyWritable(store, digest, fullPath, RegularMode);
            return;
        }
        var manifest = ManifestReader.Read(store, digest);
        foreach (var e in manifest.Entries)
        {
            var dest = Path.Combine(fullPath, e.Path.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            CopyWritable(store, e.Digest, dest, e.Mode);
        }
        Directory.CreateDirectory(fullPath);
    }

    private static void CopyWritable(IObjectStore store, Digest digest, string dest, int mode)
    {
        store.CopyTo(digest, dest);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dest, (UnixFileMode)(mode | 0b010_000_000));
    }
}
