using Keel.Objects;

namespace Keel.Reproduction;

/// <summary>How one output of a reproduction compared with the recorded one.</summary>
/// <param name="Status">pass, fail (differs: out of tolerance), missing (its step exited 0 without producing it), step_failed (its step failed), not_run (an earlier step failed), or unchecked (no rule declared; reported, not counted).</param>
/// <param name="Difference">The largest observed numeric difference (absolute), when the method measures one.</param>
/// <param name="Detail">What was observed, in words: which entries, metrics or cells differ and by how much.</param>
public sealed record OutputComparison(
    string Stage,
    string Path,
    string Method,
    string Status,
    Digest? Recorded,
    Digest? Reproduced,
    double? Difference,
    string Tolerance,
    string Detail)
{
    public bool Counts => Status != "unchecked";

    public bool Passed => Status is "pass" or "unchecked";
}
