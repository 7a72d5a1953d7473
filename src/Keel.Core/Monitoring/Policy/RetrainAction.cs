namespace Keel.Monitoring;

/// <summary>
/// Snapshot the production windows as a new version of <see cref="Dataset"/>, written to <see cref="Path"/>, then run
/// <see cref="Stages"/> (all when empty) and register the model output of <see cref="Register"/> (<c>STAGE[:OUTPUT]</c>;
/// by default the stage that writes a <c>model</c> output) for the deploy gate.
/// </summary>
public sealed record RetrainAction(string Dataset, string Path, IReadOnlyList<string> Stages, string? Register = null);
