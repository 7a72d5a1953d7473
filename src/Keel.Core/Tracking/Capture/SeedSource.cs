using System.Globalization;
using System.Text;
using Keel.Objects;

namespace Keel.Tracking.Capture;

/// <summary>
/// The seed handed to a run's code as <c>KEEL_SEED</c>: the caller's when given, otherwise
/// derived from the run name and the code (commit and diff digest), so the same code and name
/// get the same seed without any unseeded randomness.
/// </summary>
public static class SeedSource
{
    public const string Variable = "KEEL_SEED";

    public static long Resolve(long? given, string name, GitState git)
    {
        ArgumentNullException.ThrowIfNull(git);
        if (given is { } g) return g;
        var text = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(text))
        {
            return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s)
                ? s
                : throw new KeelException($"{Variable} must be an integer, got '{text}'");
        }
        return Derive(name, git);
    }

    public static long Derive(string name, GitState git)
    {
        ArgumentNullException.ThrowIfNull(git);
        var digest = ContentHasher.Hash(Encoding.UTF8.GetBytes($"{name}\0{git.Commit}\0{git.Diff}"));
        return Convert.ToInt64(digest.Hex[..8], 16) & 0x7fff_ffff;
    }
}
