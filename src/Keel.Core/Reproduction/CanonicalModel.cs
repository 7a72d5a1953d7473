using System.IO.Compression;
using System.Text;
using Keel.Objects;

namespace Keel.Reproduction;

/// <summary>
/// The canonical digest of an ML.NET model zip: BLAKE3 over its file entries sorted by name, each as
/// (name length as int32, UTF-8 name, length as int64, bytes), so the timestamps and folder entries a zip
/// carries do not count. Settings the model bakes in (FastTree's thread count, LightGBM's parameters, the
/// ML.NET version) still do. The one definition: the registry's <c>canonical</c> digest (the mlnet flavor)
/// and reproduce's comparison both call it, so they print the same value for the same model.
/// </summary>
public static class CanonicalModel
{
    public static Digest Digest(Stream zip)
    {
        var (digest, _) = Read(zip);
        return digest;
    }

    /// <summary>The canonical digest and each entry's own digest (to name the entries that differ).</summary>
    public static (Digest Digest, SortedDictionary<string, Digest> Entries) Read(Stream zip)
    {
        using var archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true);
        var entries = new SortedDictionary<string, Digest>(StringComparer.Ordinal);
        using var all = new MemoryStream();
        foreach (var e in archive.Entries.Where(e => !e.FullName.EndsWith('/')).OrderBy(e => e.FullName, StringComparer.Ordinal))
        {
            using var s = e.Open();
            using var buffer = new MemoryStream();
            s.CopyTo(buffer);
            var bytes = buffer.ToArray();
            entries[e.FullName] = ContentHasher.Hash(bytes);
            var name = Encoding.UTF8.GetBytes(e.FullName);
            all.Write(BitConverter.GetBytes(name.Length));
            all.Write(name);
            all.Write(BitConverter.GetBytes((long)bytes.Length));
            all.Write(bytes);
        }
        return (ContentHasher.Hash(all.ToArray()), entries);
    }
}
