using Keel.Models.Deployments;
using Keel.Monitoring.Profiles;
using Keel.Registry;
using Keel.Workspaces;

namespace Keel.Server.Capture;

/// <summary>
/// What <c>keel monitor NAME</c> watches: the version(s) served under <c>NAME@ALIAS</c> (the alias's version and a running
/// canary), or one version (<c>NAME@N</c>, then <see cref="Alias"/> is null), and the reference profile from the
/// serving package of that version's deployment.
/// </summary>
internal sealed record MonitoredDeployment(string Name, string? Alias, IReadOnlyList<ModelVersion> Versions, Deployment Deployment, ReferenceProfile Reference)
{
    public string Description => Alias is null
        ? $"capture of {Versions[0].Ref}"
        : $"capture of {Name}@{Alias} ({string.Join(", ", Versions.Select(v => v.Ref))})";

    /// <summary>Resolves <c>NAME</c> (under <paramref name="alias"/>), <c>NAME@ALIAS</c> or <c>NAME@N</c>.</summary>
    public static async Task<MonitoredDeployment> ResolveAsync(Workspace workspace, string model, string alias, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(model);
        var at = model.IndexOf('@', StringComparison.Ordinal);
        var name = at < 0 ? model : model[..at];
        var selector = at < 0 ? alias : model[(at + 1)..];
        ModelRef.ValidateName(name);
        var registry = workspace.Metadata.Models;
        int? pinned = int.TryParse(selector.TrimStart('v'), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
        if (pinned is null) ModelRef.ValidateAlias(selector);
        int current = pinned ?? await registry.AliasVersionAsync(name, selector, null, cancellationToken).ConfigureAwait(false)
            ?? throw new KeelException($"{name}@{selector} is not set: deploy a version first (keel deploy {name}@N --alias {selector}), pick another --alias, or monitor files with --reference TRAIN.csv --current PROD.csv");
        var deployments = await registry.DeploymentsAsync(name, cancellationToken).ConfigureAwait(false);
        var deployment = deployments.LastOrDefault(d => d.Version == current && d.Action == "deploy" && d.Package is not null)
            ?? throw new KeelException($"{name}@{current} was never deployed with keel deploy, so it has no serving package to monitor against; deploy it, or pass --reference TRAIN.csv");
        var package = ServingPackage.Read(workspace, deployment.Package!.Value);
        var reference = package.Profile
            ?? throw new KeelException($"the serving package of {name}@{current} has no reference profile (its training data was unknown at registration); register with --train DATA and deploy again, or pass --reference TRAIN.csv");
        var versions = new List<int> { current };
        if (pinned is null && deployments.LastOrDefault(d => d.Alias == selector) is { CanaryPercent: > 0 } canary && canary.Version != current) versions.Add(canary.Version);
        var loaded = new List<ModelVersion>();
        foreach (var v in versions)
            loaded.Add(await registry.GetAsync(name, v, cancellationToken).ConfigureAwait(false) ?? throw new KeelException($"{name}@{v} is no longer registered"));
        return new MonitoredDeployment(name, pinned is null ? selector : null, loaded, deployment, reference);
    }
}
