using Keel.Metadata;
using Keel.Workspaces;

namespace Keel.Datasets;

/// <summary>Turns a reference into a dataset version, listing close names when nothing matches.</summary>
public static class DatasetResolver
{
    public static async Task<DatasetVersion> ResolveAsync(Workspace workspace, string reference, CancellationToken cancellationToken)
    {
        var r = DatasetRef.Parse(reference);
        var found = await workspace.Metadata.Datasets.GetAsync(r.Name, r.Version, cancellationToken).ConfigureAwait(false);
        if (found is not null) return found;
        var all = await workspace.Metadata.Datasets.ListLatestAsync(cancellationToken).ConfigureAwait(false);
        var same = all.FirstOrDefault(v => v.Name == r.Name);
        if (same is not null)
            throw new KeelException($"'{reference}' does not exist: {r.Name} has versions 1 to {same.Version}");
        var close = all.Select(v => v.Name).Where(n => Similar(n, r.Name)).Take(5).ToList();
        var hint = close.Count > 0 ? $"; did you mean {string.Join(", ", close)}?" : "; 'keel datasets list' shows what exists";
        throw new KeelException($"no dataset named '{r.Name}'{hint}");
    }

    private static bool Similar(string a, string b) =>
        a.Contains(b, StringComparison.OrdinalIgnoreCase) || b.Contains(a, StringComparison.OrdinalIgnoreCase) || Distance(a, b) <= 2;

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
            for (var j = 1; j <= b.Length; j++)
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
        return d[a.Length, b.Length];
    }
}
