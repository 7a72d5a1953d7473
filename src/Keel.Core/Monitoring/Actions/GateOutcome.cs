namespace Keel.Monitoring.Actions;

/// <summary>What a gate or rollback concluded: whether production changed, and why in one line.</summary>
public sealed record GateOutcome(bool Passed, string Message);
