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

    /// <summary>Stores a path's bytes (every file of a folder and its manifest); returns its digest.</summary>
    public static Digest? Store(IObjectStore store, string fullPath)
    {
        var h = Hash(fullPath);
        if (h is null) return null;
        if (h.Value.Manifest is null)
        {
            store.PutFile(h.Value.Digest, fullPath);
            return h.Value.Digest;
        }
        foreach (var e in Manifest.Parse(h.Value.Manifest).Entries)
            store.PutFile(e.Digest, Path.Combine(fullPath, e.Path.Replace('/', Path.DirectorySeparatorChar)));
        store.Put(h.Value.Digest, h.Value.Manifest);
        return h.Value.Digest;
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
