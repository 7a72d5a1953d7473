namespace Keel.Monitoring.Actions;

/// <summary>
/// The default gate and rollback until the registry is merged: it never promotes and never rolls back, and says so,
/// so a retrained model can never reach production without passing the real gate.
/// </summary>
public sealed class UnavailableRegistry : IDeployGate, IModelRollback
{
    public Task<GateOutcome> EvaluateAsync(string model, CancellationToken cancellationToken) =>
        Task.FromResult(new GateOutcome(false, $"no deploy gate in this build (it arrives with the registry and keel deploy); the retrained '{model}' was not promoted"));

    public Task<GateOutcome> RollbackAsync(string model, CancellationToken cancellationToken) =>
        Task.FromResult(new GateOutcome(false, $"no model registry in this build (it arrives with keel deploy); '{model}' was not rolled back"));
}
