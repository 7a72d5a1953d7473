using System.IO.Compression;

namespace Keel.Examples.Shared;

/// <summary>
/// Rewrites a zip so the same content gives the same bytes: entries sorted by name and
/// stamped 1980-01-01. ML.NET's Model.Save stamps the current time into every entry.
/// </summary>
internal static class CanonicalZip
{
    private static readonly DateTimeOffset Epoch = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static void Write(Stream zipContent, string path)
    {
        ArgumentNullException.ThrowIfNull(zipContent);
        var entries = new List<(string Name, byte[] Bytes)>();
        using (var source = new ZipArchive(zipContent, ZipArchiveMode.Read, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                using var input = entry.Open();
                using var buffer = new MemoryStream();
                input.CopyTo(buffer);
                entries.Add((entry.FullName, buffer.ToArray()));
            }
        }

        entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = path + ".tmp";
        using (var file = File.Create(temp))
        using (var target = new ZipArchive(file, ZipArchiveMode.Create))
        {
            foreach (var (name, bytes) in entries)
            {
                var entry = target.CreateEntry(name, CompressionLevel.Optimal);
                entry.LastWriteTime = Epoch;
                using var output = entry.Open();
                output.Write(bytes);
            }
        }

        File.Move(temp, path, overwrite: true);
    }
}
