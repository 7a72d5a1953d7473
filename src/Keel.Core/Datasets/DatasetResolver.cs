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
        a.Contains(b, StringComparison.OrdinalIgnoreCase) || b.Contains(a, StringComparison.OrdinalIgnoreCase) || EditDistance.Between(a, b) <= 2;

}
