using System.Formats.Tar;
using System.IO.Compression;
using System.Text.RegularExpressions;
using Keel.Objects;

namespace Keel.Reproduction.Bundles;

/// <summary>
/// Unpacks a bundle into a staging folder, refusing before anything reaches a store: entries
/// that are not regular files (links, devices, sparse files), names outside the known layout
/// (absolute, '..', anything escaping the folder), sizes beyond the limits, a gzip stream that
/// expands past the ratio cap, and a truncated archive. The bundle is read once: each entry is
/// hashed while it is written, once, into the staging folder; a large entry of an uncompressed
/// bundle is copied in the kernel and hashed in the staging file (<see cref="RangeHashingCopy"/>),
/// anything else through one buffer (<see cref="HashingCopy"/>).
/// </summary>
internal static partial class BundleReader
{
    [GeneratedRegex(@"^(manifest\.json|manifest\.dsse\.json|metadata/lineage\.json|objects/[0-9a-f]{64}|code/[0-9a-f]{40,64}\.bundle|keys/[0-9a-f]{64}\.pub|attestations/[A-Za-z0-9._-]{1,200}\.dsse\.json)$")]
    private static partial Regex AllowedName();

    public static Dictionary<string, (string File, long Size, Digest Digest)> Stage(string bundle, string staging, BundleLimits limits)
    {
        var result = new Dictionary<string, (string, long, Digest)>(StringComparer.Ordinal);
        var length = new FileInfo(bundle).Length;
        using var file = File.OpenRead(bundle);
        Span<byte> magic = stackalloc byte[2];
        var isGzip = file.Read(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        file.Position = 0;
        Stream source = file;
        if (isGzip)
        {
            var cap = (long)Math.Min(limits.MaxTotalBytes, length * limits.MaxCompressionRatio);
            source = new CappedStream(new GZipStream(file, CompressionMode.Decompress), cap,
                $"the bundle expands past {limits.MaxCompressionRatio:0}x its compressed size (a decompression bomb?); refused");
        }
        long total = 0;
        var copier = new HashingCopy();
        // An uncompressed bundle holds each entry as a byte range: large ones are copied from
        // it inside the kernel and hashed in the staging file, not read through this process.
        using var ranges = isGzip ? null : File.OpenHandle(bundle, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            using var tar = new TarReader(source);
            while (tar.GetNextEntry(copyData: false) is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                    throw Refuse($"entry '{entry.Name}' is a {entry.EntryType}, not a regular file");
                var name = entry.Name;
                if (!AllowedName().IsMatch(name))
                    throw Refuse($"entry '{name}' is not part of the bundle layout (a path escaping the target folder or an unknown file)");
                if (result.ContainsKey(name)) throw Refuse($"entry '{name}' appears twice");
                if (result.Count >= limits.MaxEntries) throw Refuse($"more than {limits.MaxEntries} entries");
                total += entry.Length;
                if (total > limits.MaxTotalBytes) throw Refuse($"the entries hold more than the limit of {limits.MaxTotalBytes} bytes");
                // A bundle cut short (a partial download or copy) ends inside an entry.
                if (isGzip is false && entry.DataOffset >= 0 && entry.DataOffset + entry.Length > length)
                    throw Truncated(name, entry.Length, Math.Max(0, length - entry.DataOffset));
                if (isGzip is false && total > length) throw Refuse("the entries claim more bytes than the file holds");
                var target = Path.GetFullPath(Path.Combine(staging, name));
                if (!target.StartsWith(Path.GetFullPath(staging) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                    throw Refuse($"entry '{name}' escapes the staging folder");
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                var (copied, digest) = ranges is not null && entry.Length >= ContentHasher.ParallelThreshold && entry.DataOffset >= 0
                    ? CopyRange(ranges, entry, length, target)
                    : copier.Copy(entry.DataStream ?? Stream.Null, entry.Length, target);
                if (copied != entry.Length) throw Truncated(name, entry.Length, copied);
                result[name] = (target, copied, digest);
            }
        }
        catch (Exception e) when (e is EndOfStreamException or InvalidDataException or FormatException or ArgumentException)
        {
            throw Refuse($"the archive is truncated or damaged ({e.Message})");
        }
        return result;
    }

    private static (long Copied, Digest Digest) CopyRange(Microsoft.Win32.SafeHandles.SafeFileHandle bundle, TarEntry entry, long bundleLength, string target)
    {
        if (entry.DataOffset + entry.Length > bundleLength)
            throw Truncated(entry.Name, entry.Length, Math.Max(0, bundleLength - entry.DataOffset));
        return RangeHashingCopy.Copy(bundle, entry.DataOffset, entry.Length, target);
    }

    private static KeelException Truncated(string entry, long expected, long got) =>
        Refuse($"the bundle is truncated: expected {expected} bytes for entry '{entry}', got {got}; copy or download it again");

    public static KeelException Refuse(string why) => new($"bundle rejected, nothing was imported: {why}", ExitCodes.CheckFailed);
}
