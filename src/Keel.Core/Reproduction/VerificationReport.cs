using Keel.Objects;

namespace Keel.Reproduction;

/// <summary>A damaged object or record found by the integrity check, and the models downstream of it.</summary>
public sealed record IntegrityProblem(long Node, string Label, string Kind, string Problem, IReadOnlyList<string> Feeds);

/// <summary>What <c>keel verify</c> checked and found.</summary>
/// <param name="Reproduction">Null with --no-reproduce.</param>
/// <param name="ReproductionError">Why the reproduction could not run, when it could not.</param>
public sealed record VerificationReport(
    string Subject,
    Digest? SubjectDigest,
    string Verdict,
    bool IntegrityPassed,
    int ObjectsChecked,
    int RunsChecked,
    IReadOnlyList<IntegrityProblem> IntegrityProblems,
    BehaviourTestOutcome BehaviourTests,
    ReproductionReport? Reproduction,
    string? ReproductionError,
    string? Attestation,
    string? SignedBy,
    IReadOnlyList<string> Notes,
    DateTimeOffset StartedAt,
    DateTimeOffset FinishedAt)
{
    /// <summary>Where the recorded code upstream came from: this workspace's history, or a bundle and who signed it.</summary>
    public IReadOnlyList<string> CodeOrigins { get; init; } = [];

    /// <summary>How the reproduction's code from a bundle was confined; null when none ran confined.</summary>
    public string? Sandbox { get; init; }
}
