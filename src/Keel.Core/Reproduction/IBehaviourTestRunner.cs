using Keel.Lineage;
using Keel.Workspaces;

namespace Keel.Reproduction;

/// <summary>What a model's behaviour tests gave: pass, fail, none (no tests declared) or not_available (no runner installed).</summary>
public sealed record BehaviourTestOutcome(string Status, int Passed, int Failed, IReadOnlyList<string> Details)
{
    public static BehaviourTestOutcome NotAvailable { get; } =
        new("not_available", 0, 0, ["behaviour tests are not available in this build (the model registry's 'keel test' is not installed)"]);
}

/// <summary>
/// The seam through which <c>keel verify</c> runs a model's behaviour tests. The model registry
/// provides the implementation; verify finds it at runtime (<see cref="BehaviourTests"/>), so
/// until it is there verify reports the tests as not available rather than passed.
/// </summary>
public interface IBehaviourTestRunner
{
    /// <summary>Runs the behaviour tests declared for the artifact (a model), in the workspace.</summary>
    Task<BehaviourTestOutcome> RunAsync(Workspace workspace, LineageNode artifact, CancellationToken cancellationToken);
}
