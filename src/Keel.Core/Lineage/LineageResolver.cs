using System.Globalization;
using Keel.Metadata;
using Keel.Objects;

namespace Keel.Lineage;

/// <summary>A reference resolved to a node of the graph.</summary>
public sealed record ResolvedNode(int Index, LineageNode Node);

/// <summary>
/// Turns what a user types into a node: <c>name@N</c>, <c>name</c> or <c>name@latest</c> (the
/// newest version), <c>name@alias</c> (through the alias history, as of a time),
/// <c>blake3:…</c>, <c>run:&lt;id prefix&gt;</c>, <c>node:&lt;id&gt;</c>, any exact label, or the
/// path of a dataset (its newest version).
/// </summary>
public sealed class LineageResolver(IMetadataStore metadata, LineageIndex index)
{
    public async Task<ResolvedNode> ResolveAsync(string reference, DateTimeOffset? asOf, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reference);
        var asOfMs = asOf?.ToUnixTimeMilliseconds() ?? long.MaxValue;
        var when = asOf is null ? "" : $" as of {asOf.Value.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z";

        if (reference.StartsWith("node:", StringComparison.Ordinal))
        {
            var i = long.TryParse(reference.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? index.IndexOf(id) : -1;
            if (i < 0 || index.CreatedMs(i) > asOfMs) throw new KeelException($"'{reference}': no such node{when}");
            return await LoadAsync(i, cancellationToken).ConfigureAwait(false);
        }
        if (reference.StartsWith("run:", StringComparison.Ordinal))
            return await ResolveRunAsync(reference, reference[4..], asOfMs, when, cancellationToken).ConfigureAwait(false);
        if (reference.StartsWith(Digest.Prefix, StringComparison.Ordinal))
        {
            var digest = Digest.Parse(reference);
            var nodes = await metadata.LineageCatalog.FindByDigestAsync(digest, cancellationToken).ConfigureAwait(false);
            var hit = nodes.Where(n => n.CreatedAt.ToUnixTimeMilliseconds() <= asOfMs).OrderBy(n => n.Type == NodeType.Artifact ? 1 : 0).ThenBy(n => n.Id).LastOrDefault();
            if (hit is null) throw new KeelException($"no node of the lineage graph carries {digest}{when}; 'keel fsck' lists stored objects, 'keel datasets list' the versions");
            return await LoadAsync(index.IndexOf(hit.Id), cancellationToken).ConfigureAwait(false);
        }

        var exact = index.FindLabel(reference, asOfMs);
        if (exact >= 0) return await LoadAsync(exact, cancellationToken).ConfigureAwait(false);

        // A path keel add tracks: its newest version (stages record such a path as the version they read).
        if (!reference.Contains('@', StringComparison.Ordinal)
            && (await metadata.Datasets.ListLatestAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(d => d.Path == reference.TrimEnd('/')) is { } tracked)
        {
            return await ResolveAsync($"{tracked.Name}@latest", asOf, cancellationToken).ConfigureAwait(false);
        }

        var at = reference.LastIndexOf('@');
        var name = at < 0 ? reference : reference[..at];
        var suffix = at < 0 ? "latest" : reference[(at + 1)..];
        var versions = (await metadata.LineageCatalog.FindVersionsAsync(name, cancellationToken).ConfigureAwait(false))
            .Select(n => (Node: n, Version: VersionOf(n.Label, name)))
            .Where(x => x.Version > 0)
            .ToList();
        var visible = versions.Where(x => x.Node.CreatedAt.ToUnixTimeMilliseconds() <= asOfMs).ToList();
        if (suffix == "latest")
        {
            if (visible.Count > 0) return await LoadAsync(index.IndexOf(visible.MaxBy(x => (x.Version, x.Node.Id)).Node.Id), cancellationToken).ConfigureAwait(false);
            throw NotFound(reference, name, versions.Count > 0 ? $"'{name}' has no version yet{when}" : null);
        }
        if (int.TryParse(suffix, NumberStyles.None, CultureInfo.InvariantCulture, out var n))
        {
            var known = visible.Count > 0 ? $"'{name}' has versions {string.Join(", ", Ranges(visible.Select(x => x.Version)))}{when}" : null;
            throw NotFound(reference, name, known ?? (versions.Count > 0 ? $"'{name}@{n}' did not exist yet{when}" : null));
        }

        var aliasVersion = await metadata.LineageCatalog.AliasVersionAsync(name, suffix, asOf, cancellationToken).ConfigureAwait(false);
        if (aliasVersion is int v)
        {
            var target = index.FindLabel($"{name}@{v}", asOfMs);
            if (target >= 0) return await LoadAsync(target, cancellationToken).ConfigureAwait(false);
            throw new KeelException($"'{reference}' points at {name}@{v}{when}, which is not in the lineage graph");
        }
        var aliases = await metadata.LineageCatalog.AliasesOfAsync(name, cancellationToken).ConfigureAwait(false);
        if (aliases.Contains(suffix))
            throw new KeelException($"'{reference}' did not point at any version{when}; it was set later");
        var hint = aliases.Count > 0 ? $"'{name}' has aliases {string.Join(", ", aliases)}" : null;
        throw NotFound(reference, name, hint);
    }

    private async Task<ResolvedNode> ResolveRunAsync(string reference, string prefix, long asOfMs, string when, CancellationToken cancellationToken)
    {
        if (prefix.Length == 0) throw new KeelException("'run:' needs a run id or a prefix of one, as in run:3f2a");
        var runs = (await metadata.LineageCatalog.FindByRunIdPrefixAsync(prefix, cancellationToken).ConfigureAwait(false))
            .Where(r => r.CreatedAt.ToUnixTimeMilliseconds() <= asOfMs).ToList();
        var ids = runs.Select(r => r.RunId).Distinct().ToList();
        if (ids.Count > 1)
            throw new KeelException($"'{reference}' is ambiguous: it matches runs {string.Join(", ", ids.Take(5))}; give more of the id");
        if (runs.Count == 0) throw new KeelException($"no run whose id starts with '{prefix}'{when}; 'keel runs list' shows the runs");
        return await LoadAsync(index.IndexOf(runs[^1].Id), cancellationToken).ConfigureAwait(false);
    }

    private async Task<ResolvedNode> LoadAsync(int i, CancellationToken cancellationToken)
    {
        if (i < 0) throw new KeelException("the lineage index is behind the store; retry");
        var node = await metadata.Lineage.GetAsync(index.IdOf(i), cancellationToken).ConfigureAwait(false)
            ?? throw new KeelException($"lineage node {index.IdOf(i)} disappeared");
        return new ResolvedNode(i, node);
    }

    private KeelException NotFound(string reference, string name, string? detail)
    {
        if (detail is not null) return new KeelException($"'{reference}' does not exist: {detail}");
        var close = index.Names.Where(x => Similar(x, name)).Distinct().Take(5).ToList();
        var hint = close.Count > 0 ? $"; did you mean {string.Join(", ", close)}?" : "; references look like raw@3, churn@production, run:3f2a or blake3:<digest>";
        return new KeelException($"nothing in the lineage graph is called '{reference}'{hint}");
    }

    private static int VersionOf(string label, string name) =>
        label.Length > name.Length + 1 && int.TryParse(label.AsSpan(name.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : -1;

    private static IEnumerable<string> Ranges(IEnumerable<int> versions)
    {
        var sorted = versions.Distinct().Order().ToList();
        for (var i = 0; i < sorted.Count;)
        {
            var j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1) j++;
            yield return i == j ? $"{sorted[i]}" : $"{sorted[i]} to {sorted[j]}";
            i = j + 1;
        }
    }

    internal static bool Similar(string a, string b) =>
        a.Contains(b, StringComparison.OrdinalIgnoreCase) || b.Contains(a, StringComparison.OrdinalIgnoreCase) || EditDistance.Between(a, b) <= 2;

}
