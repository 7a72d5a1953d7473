namespace Keel.Monitoring.Actions;

/// <summary>Rolls a model's production alias back to its previous version (the registry's job; wired in at merge with serving).</summary>
public interface IModelRollback
{
    /// <summary>Moves the alias back; the outcome says to which version, or why not.</summary>
    Task<GateOutcome> RollbackAsync(string model, CancellationToken cancellationToken);
}
