using System.Globalization;
using System.Text;

namespace Keel.Objects;

/// <summary>
/// A directory as an object: entries sorted by path (ordinal, UTF-8), one line each,
/// <c>&lt;digest&gt; &lt;size&gt; &lt;mode&gt; &lt;path&gt;</c> after a header line. Its digest is the root of the
/// tree: changing any byte of any file changes it.
/// </summary>
public sealed class Manifest
{
    public const string Header = "keel-manifest 1";

    private Manifest(IReadOnlyList<ManifestEntry> entries) => Entries = entries;

    /// <summary>The entries, sorted by path.</summary>
    public IReadOnlyList<ManifestEntry> Entries { get; }

    public long TotalBytes => Entries.Sum(e => e.Size);

    public static Manifest Create(IEnumerable<ManifestEntry> entries)
    {
        var sorted = entries.ToArray();
        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Path, b.Path));
        for (var i = 0; i < sorted.Length; i++)
        {
            ValidatePath(sorted[i].Path);
            if (i > 0 && sorted[i - 1].Path == sorted[i].Path)
                throw new KeelException($"manifest lists '{sorted[i].Path}' twice");
        }
        return new Manifest(sorted);
    }

    public byte[] Serialize()
    {
        var sb = new StringBuilder(Entries.Count * 100);
        sb.Append(Header).Append('\n');
        foreach (var e in Entries)
        {
            sb.Append(e.Digest.ToString()).Append(' ')
              .Append(e.Size.ToString(CultureInfo.InvariantCulture)).Append(' ')
              .Append(Convert.ToString(e.Mode, 8)).Append(' ')
              .Append(e.Path).Append('\n');
        }
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    public static bool LooksLikeManifest(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith("keel-manifest 1\n"u8);

    public static Manifest Parse(ReadOnlySpan<byte> bytes)
    {
        if (!LooksLikeManifest(bytes)) throw new KeelException("object is not a Keel manifest", ExitCodes.CheckFailed);
        var text = Encoding.UTF8.GetString(bytes[(Header.Length + 1)..]);
        var entries = new List<ManifestEntry>();
        // Split on '\n' only: EnumerateLines would also split on '\r', '\f', U+0085, U+2028 and
        // U+2029, which are legal in file names and so in manifest paths.
        foreach (var range in text.AsSpan().Split('\n'))
        {
            var line = text.AsSpan()[range];
            if (line.IsEmpty) continue;
            var a = line.IndexOf(' ');
            var rest = line[(a + 1)..];
            var b = rest.IndexOf(' ');
            var rest2 = rest[(b + 1)..];
            var c = rest2.IndexOf(' ');
            if (a < 0 || b < 0 || c < 0) throw new KeelException("manifest line is malformed", ExitCodes.CheckFailed);
            entries.Add(new ManifestEntry(
                rest2[(c + 1)..].ToString(),
                long.Parse(rest[..b], CultureInfo.InvariantCulture),
                ParseOctal(rest2[..c]),
                Digest.Parse(line[..a])));
        }
        return new Manifest(entries);
    }

    private static int ParseOctal(ReadOnlySpan<char> text)
    {
        var value = 0;
        foreach (var ch in text)
        {
            if (ch is < '0' or > '7') throw new KeelException("manifest mode is not octal", ExitCodes.CheckFailed);
            value = (value * 8) + (ch - '0');
        }
        return value;
    }

    internal static void ValidatePath(string path)
    {
        if (path.Length == 0 || path.Contains('\n') || path.Contains('\\') || path.StartsWith('/')
            || path.Split('/').Any(p => p is "" or "." or ".."))
            throw new KeelException($"path '{path.ReplaceLineEndings("\\n")}' cannot be versioned: paths must be relative, '/'-separated, without '.', '..' or newlines");
    }
}
