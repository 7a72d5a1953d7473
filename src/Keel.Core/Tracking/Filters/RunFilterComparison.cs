namespace Keel.Tracking.Filters;

/// <summary><c>field op literal</c>: the literal is a <see cref="double"/> or a <see cref="string"/>.</summary>
public sealed record RunFilterComparison(RunField Field, CompareOp Op, object Value) : RunFilter;
