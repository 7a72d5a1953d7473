using Keel.Datasets;
using Keel.Objects;

namespace Keel.Tracking;

/// <summary>Stores a file as an object, or a directory as a manifest object over its files.</summary>
internal static class ArtifactStorer
{
    public static (Digest Digest, bool IsManifest, long Bytes) Store(IObjectStore objects, string path)
    {
        if (File.Exists(path))
        {
            var digest = ContentHasher.HashFile(path);
            objects.PutFile(digest, path);
            return (digest, false, new FileInfo(path).Length);
        }
        if (!Directory.Exists(path)) throw new KeelException($"'{path}' does not exist: nothing to record");
        var entries = new List<ManifestEntry>();
        foreach (var file in TreeScanner.Scan(Path.GetFullPath(path), "."))
        {
            var digest = ContentHasher.HashFile(file.Full);
            objects.PutFile(digest, file.Full);
            // Same normalisation as dataset manifests: executable or not.
            var executable = !OperatingSystem.IsWindows() && (File.GetUnixFileMode(file.Full) & UnixFileMode.UserExecute) != 0;
            var mode = executable ? 0b111_101_101 : 0b110_100_100;
            entries.Add(new ManifestEntry(file.Relative[2..], new FileInfo(file.Full).Length, mode, digest));
        }
        var manifest = Manifest.Create(entries);
        var bytes = manifest.Serialize();
        var root = ContentHasher.Hash(bytes);
        objects.Put(root, bytes);
        return (root, true, manifest.TotalBytes);
    }
}
