using Keel.Models.Deployments;
using Keel.Monitoring.Profiles;
using Keel.Registry;
using Keel.Workspaces;

namespace Keel.Server.Capture;

/// <summary>
/// What <c>keel monitor NAME</c> watches: the version(s) served under <c>NAME@ALIAS</c> (the alias's version and a running
/// canary), and the reference profile from the serving package of the alias's version.
/// </summary>
internal sealed record MonitoredDeployment(string Name, string Alias, IReadOnlyList<ModelVersion> Versions, Deployment Deployment, ReferenceProfile Reference)
{
    public string Description => $"capture of {Name}@{Alias} ({string.Join(", ", Versions.Select(v => v.Ref))})";

    public static async Task<MonitoredDeployment> ResolveAsync(Workspace workspace, string name, string alias, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ModelRef.ValidateName(name);
        ModelRef.ValidateAlias(alias);
        var registry = workspace.Metadata.Models;
        int current = await registry.AliasVersionAsync(name, alias, null, cancellationToken).ConfigureAwait(false)
            ?? throw new KeelException($"{name}@{alias} is not set: deploy a version first (keel deploy {name}@N --alias {alias}), pick another --alias, or monitor files with --reference TRAIN.csv --current PROD.csv");
        var deployments = await registry.DeploymentsAsync(name, cancellationToken).ConfigureAwait(false);
        var deployment = deployments.LastOrDefault(d => d.Version == current && d.Action == "deploy" && d.Package is not null)
            ?? throw new KeelException($"{name}@{current} was never deployed with keel deploy, so it has no serving package to monitor against; deploy it, or pass --reference TRAIN.csv");
        var package = ServingPackage.Read(workspace, deployment.Package!.Value);
        var reference = package.Profile
            ?? throw new KeelException($"the serving package of {name}@{current} has no reference profile (its training data was unknown at registration); register with --train DATA and deploy again, or pass --reference TRAIN.csv");
        var versions = new List<int> { current };
        if (deployments.LastOrDefault(d => d.Alias == alias) is { CanaryPercent: > 0 } canary && canary.Version != current) versions.Add(canary.Version);
        var loaded = new List<ModelVersion>();
        foreach (var v in versions)
            loaded.Add(await registry.GetAsync(name, v, cancellationToken).ConfigureAwait(false) ?? throw new KeelException($"{name}@{v} is no longer registered"));
        return new MonitoredDeployment(name, alias, loaded, deployment, reference);
    }
}
