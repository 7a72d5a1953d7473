namespace Keel.Pipelines;

/// <summary>
/// A small file that a run's decisions are derived from (keel.yaml, keel.lock, a params file),
/// held as its exact bytes. Caches compare bytes, not stats: a rewrite within one clock tick
/// that keeps the size cannot fool a byte comparison.
/// </summary>
internal sealed record SourceFile(string Path, byte[]? Content)
{
    /// <summary>Reads a file; a missing one has null content.</summary>
    public static SourceFile Read(string fullPath, string? path = null)
    {
        try
        {
            return new SourceFile(path ?? fullPath, File.ReadAllBytes(fullPath));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException
                                  || (e is UnauthorizedAccessException && Directory.Exists(fullPath)))
        {
            // A folder where the file should be is no file, as File.Exists has it.
            return new SourceFile(path ?? fullPath, null);
        }
    }

    /// <summary>Whether the file under <paramref name="root"/> still holds exactly these bytes (or is still missing).</summary>
    public bool IsCurrent(string root)
    {
        var now = Read(System.IO.Path.Combine(root, Path)).Content;
        return now is null || Content is null ? now is null && Content is null : now.AsSpan().SequenceEqual(Content);
    }

    /// <summary>The text as File.ReadAllText would give it: UTF-8, a byte order mark dropped.</summary>
    public static string Text(byte[] content) =>
        content.AsSpan().StartsWith("\uFEFF"u8) ? System.Text.Encoding.UTF8.GetString(content, 3, content.Length - 3) : System.Text.Encoding.UTF8.GetString(content);
}
