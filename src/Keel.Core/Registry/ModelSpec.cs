using Keel.Pipelines;

namespace Keel.Registry;

/// <summary>A model's entry under <c>models:</c> in keel.yaml: its card, its label column, its default holdout data and its behaviour tests.</summary>
public sealed record ModelSpec(
    string Name,
    string? Description,
    string? Owner,
    string? IntendedUse,
    string? Label,
    string? Holdout,
    IReadOnlyList<BehaviourTestSpec> Tests,
    SourceSpan At);
