namespace Keel.Monitoring.Profiles;

/// <summary>One feature of a reference profile: its kind and the matching summary.</summary>
public sealed record FeatureReference
{
    /// <summary>Feature name.</summary>
    public required string Name { get; init; }

    /// <summary>Numeric or categorical.</summary>
    public required ColumnKind Kind { get; init; }

    /// <summary>Set when <see cref="Kind"/> is numeric.</summary>
    public NumericReference? Numeric { get; init; }

    /// <summary>Set when <see cref="Kind"/> is categorical.</summary>
    public CategoricalReference? Categorical { get; init; }
}
