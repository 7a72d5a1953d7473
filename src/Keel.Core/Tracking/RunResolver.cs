using Keel.Metadata;

namespace Keel.Tracking;

/// <summary>Turns what a user typed (a full id, a unique prefix, or <c>run:ID</c>) into a run id.</summary>
public static class RunResolver
{
    public static async Task<RunId> ResolveAsync(IRunStore runs, string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(text);
        var t = text.StartsWith("run:", StringComparison.Ordinal) ? text[4..] : text;
        t = t.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
        if (t.Length == 0 || !t.All(char.IsAsciiHexDigit))
            throw new KeelException($"'{text}' is not a run id: expected hex digits (a unique prefix is enough)");
        var found = await runs.FindByPrefixAsync(t, 6, cancellationToken).ConfigureAwait(false);
        return found.Count switch
        {
            1 => found[0],
            0 => throw new KeelException($"no run starts with '{t}'; 'keel runs list' shows the runs"),
            _ => throw new KeelException($"'{t}' is ambiguous: {string.Join(", ", found.Take(5).Select(r => r.Short))}{(found.Count > 5 ? ", ..." : "")}; type more digits"),
        };
    }
}
