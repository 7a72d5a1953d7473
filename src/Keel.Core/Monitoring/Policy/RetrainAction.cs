namespace Keel.Monitoring;

/// <summary>Snapshot the production windows as a new version of <see cref="Dataset"/>, written to <see cref="Path"/>, then run <see cref="Stages"/> (all when empty).</summary>
public sealed record RetrainAction(string Dataset, string Path, IReadOnlyList<string> Stages);
