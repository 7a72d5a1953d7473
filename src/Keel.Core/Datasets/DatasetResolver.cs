using Keel.Metadata;
using Keel.Objects;
using Keel.Workspaces;

namespace Keel.Datasets;

/// <summary>Turns a reference into a dataset version, listing close names when nothing matches.</summary>
public static class DatasetResolver
{
    public static async Task<DatasetVersion> ResolveAsync(Workspace workspace, string reference, CancellationToken cancellationToken)
    {
        if (reference.StartsWith(Digest.Prefix, StringComparison.Ordinal))
            return await ResolveDigestAsync(workspace, Digest.Parse(reference), cancellationToken).ConfigureAwait(false);
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

    /// <summary>The newest dataset version whose content has this digest (through the lineage nodes that carry it).</summary>
    private static async Task<DatasetVersion> ResolveDigestAsync(Workspace workspace, Digest digest, CancellationToken cancellationToken)
    {
        var nodes = await workspace.Metadata.LineageCatalog.FindByDigestAsync(digest, cancellationToken).ConfigureAwait(false);
        foreach (var node in nodes.OrderByDescending(n => n.Id))
        {
            var at = node.Label.LastIndexOf('@');
            if (at <= 0 || !int.TryParse(node.Label.AsSpan(at + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)) continue;
            var version = await workspace.Metadata.Datasets.GetAsync(node.Label[..at], n, cancellationToken).ConfigureAwait(false);
            if (version is not null && version.Digest == digest) return version;
        }
        throw new KeelException($"no dataset version has the digest {digest}; 'keel datasets list' shows what exists");
    }

    private static bool Similar(string a, string b) =>
        a.Contains(b, StringComparison.OrdinalIgnoreCase) || b.Contains(a, StringComparison.OrdinalIgnoreCase) || EditDistance.Between(a, b) <= 2;

}
