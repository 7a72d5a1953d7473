using Keel.Models.Registration;
using Keel.Monitoring.Actions;
using Keel.Workspaces;

namespace Keel.Models.Deployments;

/// <summary>
/// The monitor policy's registry actions, for real: a retrained model is registered from the pipeline stage that
/// wrote it and then goes through <see cref="Deployer"/> (behaviour tests as the gate, package, alias move), so it
/// replaces production only if the gate passes; a rollback is <see cref="Deployer.RollbackAsync"/>. A refusal is an
/// outcome, not an error: production stays as it was.
/// </summary>
public sealed class RegistryActions(Workspace workspace, string alias, string registerFrom, string cwd) : IDeployGate, IModelRollback
{
    public async Task<GateOutcome> EvaluateAsync(string model, CancellationToken cancellationToken)
    {
        var version = await ModelRegistrar.RegisterAsync(workspace,
            new RegisterRequest(model, registerFrom, null, null, null, null, null, null, null, cwd), cancellationToken).ConfigureAwait(false);
        try
        {
            var deployed = await Deployer.DeployAsync(workspace, version.Ref, alias, 0, cwd, cancellationToken).ConfigureAwait(false);
            return new GateOutcome(true,
                $"{version.Ref} passed {deployed.Report.Results.Count} behaviour tests; {model}@{alias} -> {version.Ref} (was {(deployed.Deployment.PreviousVersion is { } p ? $"{model}@{p}" : "unset")})");
        }
        catch (KeelException e) when (e.ExitCode == ExitCodes.CheckFailed)
        {
            return new GateOutcome(false, $"{version.Ref} registered but not promoted: {e.Message.Split('\n')[0]}");
        }
    }

    public async Task<GateOutcome> RollbackAsync(string model, CancellationToken cancellationToken)
    {
        try
        {
            var d = await Deployer.RollbackAsync(workspace, model, alias, cancellationToken).ConfigureAwait(false);
            return new GateOutcome(true, $"{model}@{alias} rolled back from {model}@{d.PreviousVersion} to {model}@{d.Version}");
        }
        catch (KeelException e)
        {
            return new GateOutcome(false, $"not rolled back: {e.Message}");
        }
    }
}
