using Keel.Objects;

namespace Keel.Tracking;

/// <summary>Something a run used: a dataset version (<c>Ref</c> = <c>raw@3</c>) or a bare object, with a role such as train or validation.</summary>
public sealed record RunInput(string Ref, Digest Digest, bool IsManifest, string Role);
