namespace Keel.Monitoring.Actions;

/// <summary>
/// Decides whether a retrained model may replace production (behaviour tests, build, re-version). The real gate
/// lives with the registry and <c>keel deploy</c> on the serving branch and is wired in at merge.
/// </summary>
public interface IDeployGate
{
    /// <summary>Runs the gate on the model a pipeline just produced.</summary>
    Task<GateOutcome> EvaluateAsync(string model, CancellationToken cancellationToken);
}
