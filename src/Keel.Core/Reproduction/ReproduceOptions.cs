namespace Keel.Reproduction;

/// <summary>
/// Where to reproduce (null: a fresh temp folder, removed when everything passes), whether to
/// record the reproduction as a run, whether to run code that came from a bundle outside the
/// sandbox (<paramref name="TrustCode"/>), and the sandbox's limits (null: <see cref="SandboxLimits.Default"/>).
/// </summary>
public sealed record ReproduceOptions(string? Directory, bool Record = true, bool TrustCode = false, SandboxLimits? Limits = null);
