using System.Text.RegularExpressions;

namespace Keel.Cli.Monitoring;

/// <summary>Expands '*' and '?' in the file-name part of a path (shells usually do this; quoted patterns come here).</summary>
internal static class FileGlob
{
    public static IReadOnlyList<string> Expand(IEnumerable<string> patterns)
    {
        var files = new List<string>();
        foreach (string pattern in patterns)
        {
            if (!pattern.Contains('*') && !pattern.Contains('?')) { files.Add(pattern); continue; }
            string dir = Path.GetDirectoryName(pattern) is { Length: > 0 } d ? d : ".";
            var regex = new Regex("^" + Regex.Escape(Path.GetFileName(pattern)).Replace("\\*", ".*").Replace("\\?", ".") + "$");
            var matched = Directory.Exists(dir) ? Directory.EnumerateFiles(dir).Where(f => regex.IsMatch(Path.GetFileName(f))).Order(StringComparer.Ordinal).ToList() : [];
            if (matched.Count == 0) throw new KeelException($"no file matches {pattern}");
            files.AddRange(matched);
        }
        return files;
    }
}
