using Keel.Objects;

namespace Keel.Tracking;

/// <summary>Something a run produced: a name (usually a path), a kind (data, model, metrics, plots, report, log) and the object.</summary>
public sealed record RunOutput(string Name, string Kind, Digest Digest, bool IsManifest, long Bytes);
