using System.Text;
using Keel.Tracking.Capture;

namespace Keel.Pipelines;

/// <summary>
/// Keeps stage outputs out of git, as DVC does: after a run, each declared output that git
/// neither ignores nor tracks gets a line <c>/PATH</c> in the workspace's <c>.gitignore</c>.
/// Nothing happens outside a git repository or without git; an output already ignored (by any
/// rule) or tracked (the user chose to commit it) is left alone, so running again adds nothing.
/// </summary>
internal static class OutputGitignore
{
    public const string FileName = ".gitignore";

    /// <summary>Adds the outputs that need it; returns those added (empty when none, or not a git repository).</summary>
    public static IReadOnlyList<string> Add(string workspaceRoot, IReadOnlyList<string> outputs)
    {
        if (outputs.Count == 0) return [];
        var file = Path.Combine(workspaceRoot, FileName);
        var existing = File.Exists(file) ? File.ReadAllLines(file) : [];
        var candidates = outputs.Distinct(StringComparer.Ordinal).Where(o => !existing.Contains("/" + o) && !existing.Contains(o)).ToList();
        if (candidates.Count == 0) return [];
        // check-ignore: exit 0 some ignored, 1 none, 128 not a repository (127: no git).
        var (code, stdout) = GitCommand.Run(workspaceRoot, ["check-ignore", "--", .. candidates]);
        if (code is not (0 or 1)) return [];
        var ignored = Lines(stdout);
        var (lsCode, tracked) = GitCommand.Run(workspaceRoot, ["ls-files", "-z", "--", .. candidates]);
        if (lsCode != 0) return [];
        var trackedFiles = Encoding.UTF8.GetString(tracked).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        var added = candidates
            .Where(o => !ignored.Contains(o))
            .Where(o => !trackedFiles.Any(t => t == o || t.StartsWith(o + "/", StringComparison.Ordinal)))
            .ToList();
        if (added.Count == 0) return [];
        var text = new StringBuilder();
        if (existing.Length > 0 && File.ReadAllText(file) is { Length: > 0 } current && !current.EndsWith('\n')) text.Append('\n');
        foreach (var o in added) text.Append('/').Append(o).Append('\n');
        File.AppendAllText(file, text.ToString());
        return added;
    }

    private static HashSet<string> Lines(byte[] output) =>
        new(Encoding.UTF8.GetString(output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), StringComparer.Ordinal);
}
