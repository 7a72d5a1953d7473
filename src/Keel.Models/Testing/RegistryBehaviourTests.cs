using Keel.Lineage;
using Keel.Models.Registration;
using Keel.Registry;
using Keel.Reproduction;
using Keel.Workspaces;

namespace Keel.Models.Testing;

/// <summary>
/// <c>keel verify</c>'s behaviour tests: the registered version holding the artifact's bytes
/// (or the version a <c>name@N</c> node names), tested as <c>keel test</c> does with the
/// <c>models:</c> section of keel.yaml.
/// </summary>
public sealed class RegistryBehaviourTests : IBehaviourTestRunner
{
    public async Task<BehaviourTestOutcome> RunAsync(Workspace workspace, LineageNode artifact, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(artifact);
        var version = await FindVersionAsync(workspace, artifact, cancellationToken).ConfigureAwait(false);
        if (version is null)
            return new BehaviourTestOutcome("none", 0, 0, [$"{artifact.Label} is not a registered model version; register it to test it (keel models register)"]);
        var keelYaml = Path.Combine(workspace.Root, "keel.yaml");
        var spec = File.Exists(keelYaml) ? ModelsParser.ParseFile(keelYaml, "keel.yaml").GetValueOrDefault(version.Name) : null;
        if (spec is null)
            return new BehaviourTestOutcome("none", 0, 0, [$"keel.yaml declares no tests for model {version.Name}"]);
        using var model = ModelFlavors.LoadVersion(workspace, version);
        var report = await new BehaviourTestRunner(workspace, workspace.Root).RunAsync(version, spec, model, cancellationToken).ConfigureAwait(false);
        var passed = report.Results.Count(r => r.Passed);
        return new BehaviourTestOutcome(
            report.Passed ? "pass" : "fail",
            passed,
            report.Results.Count - passed,
            report.Results.Select(r => $"{(r.Passed ? "pass" : "FAIL")} {r.Name} ({r.Type}): {r.Detail}").ToList());
    }

    private static async Task<ModelVersion?> FindVersionAsync(Workspace workspace, LineageNode artifact, CancellationToken cancellationToken)
    {
        var registry = workspace.Metadata.Models;
        var at = artifact.Label.LastIndexOf('@');
        if (at > 0 && int.TryParse(artifact.Label.AsSpan(at + 1), out var n))
        {
            var named = await registry.GetAsync(artifact.Label[..at], n, cancellationToken).ConfigureAwait(false);
            if (named is not null) return named;
        }
        if (artifact.Digest is not { } digest) return null;
        ModelVersion? newest = null;
        foreach (var latest in await registry.ListLatestAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var v in await registry.VersionsAsync(latest.Name, cancellationToken).ConfigureAwait(false))
                if (v.Digest == digest && (newest is null || v.CreatedAt > newest.CreatedAt)) newest = v;
        }
        return newest;
    }
}
