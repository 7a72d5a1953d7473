using System.Globalization;
using Keel.Objects;

namespace Keel.Lineage;

/// <summary>
/// A copy of the lineage log's head outside the database (<c>.keel/lineage-head</c>), rewritten
/// after every commit that seals a run: someone who deletes the newest runs together with their
/// log entries leaves a log shorter than this file says. Only ever moves forward; a failure to
/// write it never fails the commit.
/// </summary>
public sealed class LineageHeadAnchor(string file)
{
    /// <summary>The anchor of a workspace's <c>.keel</c> folder.</summary>
    public const string FileName = "lineage-head";

    private readonly Lock _gate = new();

    public string File => file;

    /// <summary>Records that the log reached <paramref name="seq"/> with <paramref name="head"/>, unless the file already records a later entry.</summary>
    public void Record(long seq, Digest head)
    {
        lock (_gate)
        {
            try
            {
                (long Seq, Digest Head)? known = null;
                try
                {
                    known = Read();
                }
                catch (KeelException)
                {
                    // An unreadable anchor is replaced by a readable one.
                }
                if (known is { } k && k.Seq >= seq) return;
                var temp = $"{file}.{Environment.ProcessId}.tmp";
                System.IO.File.WriteAllText(temp, string.Create(CultureInfo.InvariantCulture, $"{seq} {head}\n"));
                System.IO.File.Move(temp, file, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The database committed; a missing anchor only weakens the truncation check, which docs/lineage.md says.
            }
        }
    }

    /// <summary>The recorded (seq, head), or null when there is no anchor yet.</summary>
    public (long Seq, Digest Head)? Read()
    {
        string text;
        try
        {
            text = System.IO.File.ReadAllText(file).Trim();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        var parts = text.Split(' ');
        if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seq) || !Digest.TryParse(parts[1], out var head))
            throw new KeelException($"{file} is not a lineage head ('SEQ blake3:...'); it was edited by hand; restore it from a copy or delete it to stop checking against it");
        return (seq, head);
    }
}
