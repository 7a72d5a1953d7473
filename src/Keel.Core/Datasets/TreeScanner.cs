using System.IO.Enumeration;

namespace Keel.Datasets;

/// <summary>A file found under a tracked path: its workspace-relative path and its full path.</summary>
internal sealed record ScannedFile(string Relative, string Full);

/// <summary>Lists the files under a directory, sorted, skipping .keel/ and .git/.</summary>
internal static class TreeScanner
{
    private static readonly EnumerationOptions Options = new()
    {
        RecurseSubdirectories = true,
        IgnoreInaccessible = false,
        AttributesToSkip = 0,
        ReturnSpecialDirectories = false,
    };

    /// <param name="fullDir">The directory on disk.</param>
    /// <param name="relativeDir">Its workspace-relative path, prefixed to every result.</param>
    /// <param name="sorted">Whether to sort by path (manifests need it; a status check does not).</param>
    public static List<ScannedFile> Scan(string fullDir, string relativeDir, bool sorted = true)
    {
        var prefixLength = fullDir.TrimEnd(Path.DirectorySeparatorChar).Length + 1;
        var enumerable = new FileSystemEnumerable<string>(
            fullDir,
            (ref FileSystemEntry entry) => entry.ToFullPath(),
            Options)
        {
            ShouldIncludePredicate = static (ref FileSystemEntry entry) => !entry.IsDirectory,
            ShouldRecursePredicate = static (ref FileSystemEntry entry) =>
                !(entry.FileName is ".keel" or ".git") && (entry.Attributes & FileAttributes.ReparsePoint) == 0,
        };
        var files = new List<ScannedFile>();
        try
        {
            foreach (var full in enumerable)
            {
                var rel = full[prefixLength..];
                if (Path.DirectorySeparatorChar != '/') rel = rel.Replace(Path.DirectorySeparatorChar, '/');
                files.Add(new ScannedFile(relativeDir + "/" + rel, full));
            }
        }
        catch (UnauthorizedAccessException e)
        {
            throw new KeelException($"permission denied while listing {fullDir}: {e.Message}; fix the permissions and retry");
        }
        if (sorted) files.Sort(static (a, b) => string.CompareOrdinal(a.Relative, b.Relative));
        return files;
    }
}
