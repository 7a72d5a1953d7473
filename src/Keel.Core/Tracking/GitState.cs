using Keel.Objects;

namespace Keel.Tracking;

/// <summary>The code a run started from: the commit plus the uncommitted diff (tracked changes and small untracked files) as an object.</summary>
/// <param name="SkippedUntracked">Untracked files left out of the diff because they exceed the size limit.</param>
public sealed record GitState(
    string? Commit,
    string? Branch,
    string? Remote,
    bool Dirty,
    Digest? Diff,
    long DiffBytes,
    IReadOnlyList<string> SkippedUntracked);
