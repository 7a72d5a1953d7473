using Keel.Pipelines;

namespace Keel.Registry;

/// <summary>
/// One behaviour test declared under <c>models: NAME: tests:</c> in keel.yaml. Which fields
/// matter depends on <see cref="Type"/>: metric (metric, min), slice (by, metric, min),
/// invariance (field, eps), directional (field, delta, expect), schema, latency (max_ms, rows).
/// </summary>
public sealed record BehaviourTestSpec(
    string Name,
    string Type,
    string? Data,
    string? Metric,
    double? Min,
    string? By,
    string? Field,
    double? Eps,
    double? Delta,
    string? Expect,
    double? MaxMs,
    int? Rows,
    SourceSpan At);
