using Keel.Objects;

namespace Keel.Reproduction;

/// <summary>One replayed step: what ran, with which seed, and how it ended.</summary>
public sealed record ReplayedStep(string Stage, string RunId, string? Command, string? Seed, string Status, int? ExitCode, double Seconds, string? Log)
{
    /// <summary>Where the recorded command came from: "this workspace's history" or the bundle and its signer.</summary>
    public string Origin { get; init; } = Bundles.CodeOrigin.Workspace.ToString();

    /// <summary>Whether the command ran inside the sandbox.</summary>
    public bool Sandboxed { get; init; }

    /// <summary>For a step that failed: the last lines of its stderr.</summary>
    public IReadOnlyList<string> StderrTail { get; init; } = [];
}

/// <summary>What <c>keel reproduce</c> found: per step, per output, the environment differences and the verdict.</summary>
public sealed record ReproductionReport(
    string Subject,
    Digest? SubjectDigest,
    string Directory,
    bool Kept,
    bool Passed,
    IReadOnlyList<ReplayedStep> Steps,
    IReadOnlyList<OutputComparison> Outputs,
    IReadOnlyList<EnvironmentDifference> EnvironmentDifferences,
    IReadOnlyList<string> LikelyCauses,
    IReadOnlyList<string> Notes,
    string? RunId,
    double Seconds)
{
    /// <summary>How the replayed code was confined: null when every step ran unconfined (trusted), else the sandbox's description.</summary>
    public string? Sandbox { get; init; }
}
