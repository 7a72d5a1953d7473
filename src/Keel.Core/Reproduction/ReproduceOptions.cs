namespace Keel.Reproduction;

/// <summary>Where to reproduce (null: a fresh temp folder, removed when everything passes) and whether to record the reproduction as a run.</summary>
public sealed record ReproduceOptions(string? Directory, bool Record = true);
