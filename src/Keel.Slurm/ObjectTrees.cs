using Keel.Metadata;
using Keel.Objects;

namespace Keel.Slurm;

/// <summary>Files and folders to and from an object store, with no workspace around them (a worker's scratch folder).</summary>
internal static class ObjectTrees
{
    private const int Executable = 0b111_101_101;
    private const int Regular = 0b110_100_100;

    /// <summary>Writes a stored file or directory at <paramref name="destination"/>.</summary>
    public static void Materialize(IObjectStore store, Digest digest, TreeKind kind, string destination)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        if (kind == TreeKind.File)
        {
            store.CopyTo(digest, destination);
            return;
        }
        var manifest = ManifestReader.Read(store, digest);
        Directory.CreateDirectory(destination);
        Parallel.ForEach(manifest.Entries, new ParallelOptions { MaxDegreeOfParallelism = 8 }, e =>
        {
            var dest = Path.Combine(destination, e.Path.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            store.CopyTo(e.Digest, dest);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(dest, (UnixFileMode)e.Mode);
        });
    }

    /// <summary>Stores a file, or a directory as its files plus a manifest; null when the path does not exist.</summary>
    public static (Digest Digest, TreeKind Kind)? Store(IObjectStore store, string path)
    {
        if (File.Exists(path))
        {
            var d = ContentHasher.HashFile(path);
            store.PutFile(d, path);
            return (d, TreeKind.File);
        }
        if (!Directory.Exists(path)) return null;
        var files = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).ToList();
        var entries = new ManifestEntry[files.Count];
        Parallel.For(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            var f = files[i];
            var d = ContentHasher.HashFile(f);
            store.PutFile(d, f);
            var exec = !OperatingSystem.IsWindows() && (File.GetUnixFileMode(f) & UnixFileMode.UserExecute) != 0;
            entries[i] = new ManifestEntry(Path.GetRelativePath(path, f).Replace(Path.DirectorySeparatorChar, '/'), new FileInfo(f).Length, exec ? Executable : Regular, d);
        });
        var bytes = Manifest.Create(entries).Serialize();
        var md = ContentHasher.Hash(bytes);
        store.Put(md, bytes);
        return (md, TreeKind.Directory);
    }
}
