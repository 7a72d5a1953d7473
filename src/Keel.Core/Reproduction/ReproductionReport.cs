using Keel.Objects;

namespace Keel.Reproduction;

/// <summary>One replayed step: what ran, with which seed, and how it ended.</summary>
public sealed record ReplayedStep(string Stage, string RunId, string? Command, string? Seed, string Status, int? ExitCode, double Seconds, string? Log);

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
    double Seconds);
