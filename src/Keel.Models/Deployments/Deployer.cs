using System.Text.Json;
using Keel.Lineage;
using Keel.Models.Registration;
using Keel.Models.Testing;
using Keel.Monitoring.Profiles;
using Keel.Objects;
using Keel.Registry;
using Keel.Workspaces;

namespace Keel.Models.Deployments;

/// <summary>
/// <c>keel deploy</c>: behaviour tests as a gate, the serving package, the alias move and the
/// deployment record; all written in one transaction after the gate passed, nothing before.
/// </summary>
public static class Deployer
{
    public static async Task<DeployResult> DeployAsync(Workspace workspace, string reference, string alias, double canaryPercent, string cwd, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ModelRef.ValidateAlias(alias);
        if (canaryPercent is < 0 or >= 100) throw new KeelException($"--canary must be between 0 and 100 (exclusive of 100), got {canaryPercent}");
        var version = await ModelResolver.ResolveAsync(workspace, reference, null, cancellationToken).ConfigureAwait(false);
        var spec = ModelsParser.ParseFile(Path.Combine(workspace.Root, "keel.yaml"), "keel.yaml").GetValueOrDefault(version.Name);
        if (spec is null || spec.Tests.Count == 0)
            throw new KeelException($"model {version.Name} declares no behaviour tests; add 'models: {version.Name}: tests:' to keel.yaml (see docs/serving.md); a deploy is a tested step", ExitCodes.CheckFailed);

        using var model = ModelFlavors.LoadVersion(workspace, version);
        var runner = new BehaviourTestRunner(workspace, cwd);
        var report = await runner.RunAsync(version, spec, model, cancellationToken).ConfigureAwait(false);
        if (!report.Passed)
        {
            var lines = report.Failures.Select(f => $"  {f.Name} ({f.Type}): {f.Detail}");
            throw new KeelException($"the gate refused {version.Ref}: {report.Failures.Count()} of {report.Results.Count} behaviour tests failed; nothing was deployed\n{string.Join('\n', lines)}", ExitCodes.CheckFailed);
        }

        var package = BuildPackage(workspace, version, model, spec.Label);
        var previous = await workspace.Metadata.Models.AliasVersionAsync(version.Name, alias, null, cancellationToken).ConfigureAwait(false);
        var runId = Guid.NewGuid().ToString("N");
        var (nodes, _, reportIndex) = await TestLineage.NodesAsync(workspace, version, report, runner.DataUsed, Guid.NewGuid().ToString("N"), cancellationToken).ConfigureAwait(false);
        var now = workspace.Time.GetUtcNow();
        nodes.Add(DeployNode("deploy", version, alias, previous, canaryPercent, package, runId, now,
            [new LineageEdgeFrom(version.NodeId, Relation.Used, "model"), new LineageEdgeFrom(-reportIndex, Relation.Used, "gate")]));
        var deployIndex = nodes.Count;
        nodes.Add(new NewLineageNode(NodeType.Artifact, "model", $"package:{version.Ref}", package, runId, now,
            JsonSerializer.Serialize(new { format = ServingPackage.CurrentFormat }), [new LineageEdgeFrom(-deployIndex, Relation.Generated)]));
        var deployment = await workspace.Metadata.Models.RecordDeploymentAsync(
            new NewDeployment(runId, "deploy", version.Name, alias, version.Version, previous, canaryPercent, package, now), nodes, cancellationToken).ConfigureAwait(false);
        return new DeployResult(version, deployment, report, package);
    }

    /// <summary>Ends a canary if one is running, else moves the alias back to the version it pointed at before.</summary>
    public static async Task<Deployment> RollbackAsync(Workspace workspace, string name, string alias, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ModelRef.ValidateName(name);
        var registry = workspace.Metadata.Models;
        var current = await registry.AliasVersionAsync(name, alias, null, cancellationToken).ConfigureAwait(false)
            ?? throw new KeelException($"{name}@{alias} is not set, so there is nothing to roll back");
        var last = (await registry.DeploymentsAsync(name, cancellationToken).ConfigureAwait(false)).LastOrDefault(d => d.Alias == alias);
        int target;
        if (last is { CanaryPercent: > 0 } && last.Version != current) target = current;
        else
        {
            var history = (await registry.AliasHistoryAsync(name, cancellationToken).ConfigureAwait(false)).Where(a => a.Alias == alias).ToList();
            var idx = history.FindLastIndex(a => a.Version != current);
            if (idx < 0) throw new KeelException($"{name}@{alias} has only ever pointed at version {current}; there is no previous version to roll back to");
            target = history[idx].Version;
        }
        var version = await registry.GetAsync(name, target, cancellationToken).ConfigureAwait(false)
            ?? throw new KeelException($"{name}@{target} is no longer registered");
        var runId = Guid.NewGuid().ToString("N");
        var now = workspace.Time.GetUtcNow();
        var node = DeployNode("rollback", version, alias, current, 0, null, runId, now, [new LineageEdgeFrom(version.NodeId, Relation.Used, "model")]);
        return await registry.RecordDeploymentAsync(new NewDeployment(runId, "rollback", name, alias, target, current, 0, null, now), [node], cancellationToken).ConfigureAwait(false);
    }

    private static Digest BuildPackage(Workspace workspace, ModelVersion version, ILoadedModel model, string? label)
    {
        ReferenceProfile? profile = null;
        if (version.TrainingData is { } td && TableSource.TryFromObject(workspace, td, td.Short) is { } table)
        {
            // The model's scores on its own training data are the reference score distribution (and, with labels, its calibration).
            List<double>? scores = model.Inputs.All(i => table.IndexOf(i.Name) >= 0)
                ? BehaviourTestRunner.Scores(model, [.. table.Rows.Select(r => BehaviourTestRunner.Row(model, table, r))])
                : null;
            profile = TrainingReference.Build(table, version.Signature, scores, label, td.ToString());
        }
        var package = new ServingPackage(ServingPackage.CurrentFormat, version.Ref, version.Flavor, version.Digest.ToString(), version.CanonicalDigest.ToString(),
            version.Signature, version.TrainingData?.ToString(), profile);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(package, RegistryJson.Options);
        var digest = ContentHasher.Hash(bytes);
        workspace.Objects.Put(digest, bytes);
        return digest;
    }

    private static NewLineageNode DeployNode(string action, ModelVersion version, string alias, int? previous, double canary, Digest? package, string runId, DateTimeOffset now, IReadOnlyList<LineageEdgeFrom> incoming) =>
        new(NodeType.Run, "deploy", $"{action}:{version.Name}@{alias}", null, runId, now,
            JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["stage"] = action,
                ["command"] = action == "deploy" ? $"keel deploy {version.Ref} --alias {alias}" : $"keel rollback {version.Name} --alias {alias}",
                ["model"] = version.Ref,
                ["alias"] = alias,
                ["previous_version"] = previous,
                ["canary_percent"] = canary,
                ["package"] = package?.ToString(),
                ["user"] = Agent.User,
            }),
            incoming);
}
