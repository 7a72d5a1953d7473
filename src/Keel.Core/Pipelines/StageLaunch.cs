using System.Globalization;
using System.Text;

namespace Keel.Pipelines;

/// <summary>
/// How a stage's command is prepared, the same everywhere it runs (<c>keel run</c>, the Slurm
/// worker, <c>keel reproduce</c> and <c>keel verify</c>, and recover's <c>replay.sh</c>): it runs
/// in the folder holding the workspace tree, every declared output's parent folder exists
/// (a gitignored <c>models/</c> is absent from a clean checkout), stale outputs are gone, and
/// the environment carries the stage's name and seed.
/// </summary>
public static class StageLaunch
{
    /// <summary>Lines of a failed command's stderr shown beside its exit code.</summary>
    public const int TailLines = 12;

    /// <summary>Creates the parent folder of every output under <paramref name="root"/>.</summary>
    public static void CreateOutputParents(string root, IEnumerable<string> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        foreach (var o in outputs)
        {
            var parent = Path.GetDirectoryName(Path.Combine(root, o.Replace('/', Path.DirectorySeparatorChar)));
            if (parent is not null) Directory.CreateDirectory(parent);
        }
    }

    /// <summary>Deletes what a previous run left at the outputs, so an output the command does not write reads as not produced.</summary>
    public static void RemoveOutputs(string root, IEnumerable<string> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        foreach (var o in outputs)
        {
            var full = Path.Combine(root, o.Replace('/', Path.DirectorySeparatorChar));
            if (File.Exists(full) || new FileInfo(full).LinkTarget is not null) File.Delete(full);
            else if (Directory.Exists(full)) Directory.Delete(full, recursive: true);
        }
    }

    /// <summary>The variables every run of a stage gets; a pipeline run adds its run id, recipe and workspace.</summary>
    public static Dictionary<string, string> Environment(string stage, string? seed)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal) { ["KEEL_STAGE"] = stage };
        if (seed is not null) env[Tracking.Capture.SeedSource.Variable] = seed;
        return env;
    }

    /// <summary>The variables a replay (reproduce, verify, replay.sh) sets: the stage's, and KEEL_REPRODUCE=1.</summary>
    public static Dictionary<string, string> ReplayEnvironment(string stage, string? seed)
    {
        var env = Environment(stage, seed);
        env["KEEL_REPRODUCE"] = "1";
        return env;
    }

    /// <summary>Seed as text, as recorded and as handed over.</summary>
    public static string SeedText(int seed) => seed.ToString(CultureInfo.InvariantCulture);

    /// <summary>The last <paramref name="lines"/> non-empty lines of a log file (empty when it cannot be read).</summary>
    public static IReadOnlyList<string> TailOfFile(string? path, int lines = TailLines)
    {
        if (path is null) return [];
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            // The end of a large log is enough: the last lines sit in its last 64 KiB.
            const int Window = 64 * 1024;
            if (stream.Length > Window) stream.Seek(-Window, SeekOrigin.End);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return TailOf(reader.ReadToEnd(), lines);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>The last <paramref name="lines"/> non-empty lines of a text.</summary>
    public static IReadOnlyList<string> TailOf(string text, int lines)
    {
        ArgumentNullException.ThrowIfNull(text);
        var all = text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToList();
        return all.Skip(Math.Max(0, all.Count - lines)).ToList();
    }
}
