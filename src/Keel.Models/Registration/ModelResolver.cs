using Keel.Registry;
using Keel.Workspaces;

namespace Keel.Models.Registration;

/// <summary>Turns a model reference (<c>churn</c>, <c>churn@3</c>, <c>churn@production</c>) into a registered version.</summary>
public static class ModelResolver
{
    public static async Task<ModelVersion> ResolveAsync(Workspace workspace, string reference, DateTimeOffset? asOf, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        var r = ModelRef.Parse(reference);
        var registry = workspace.Metadata.Models;
        var version = r.Version;
        if (r.Alias is { } alias)
        {
            version = await registry.AliasVersionAsync(r.Name, alias, asOf, cancellationToken).ConfigureAwait(false);
            if (version is null)
            {
                var known = (await registry.AliasHistoryAsync(r.Name, cancellationToken).ConfigureAwait(false)).Select(a => a.Alias).Distinct().ToList();
                var when = asOf is null ? "" : $" as of {asOf:u}";
                throw new KeelException($"'{reference}': alias '{alias}' of model {r.Name} is not set{when}" +
                    (known.Count > 0 ? $"; aliases: {string.Join(", ", known)}" : $"; set it with 'keel models alias {r.Name}@N {alias}' or 'keel deploy'"));
            }
        }
        var found = await registry.GetAsync(r.Name, version, cancellationToken).ConfigureAwait(false);
        if (found is not null && (asOf is null || found.CreatedAt <= asOf)) return found;
        var versions = await registry.VersionsAsync(r.Name, cancellationToken).ConfigureAwait(false);
        if (versions.Count > 0) throw new KeelException($"'{reference}' does not exist: {r.Name} has versions 1 to {versions[^1].Version}");
        var names = (await registry.ListLatestAsync(cancellationToken).ConfigureAwait(false)).Select(v => v.Name).ToList();
        throw new KeelException($"no model named '{r.Name}'" + (names.Count > 0 ? $"; registered: {string.Join(", ", names)}" : "; register one with 'keel models register'"));
    }
}
