namespace Keel.Registry;

/// <summary>What a model is for and how good it was when registered.</summary>
public sealed record ModelCard(
    string? Description,
    string? Owner,
    string? IntendedUse,
    IReadOnlyDictionary<string, double> Metrics);
