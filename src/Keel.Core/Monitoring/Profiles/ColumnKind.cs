namespace Keel.Monitoring.Profiles;

/// <summary>How a feature is profiled and tested.</summary>
public enum ColumnKind
{
    /// <summary>Real-valued: KS, PSI and normalised Wasserstein.</summary>
    Numeric,

    /// <summary>Discrete levels: chi-square homogeneity, Cramér's V and Jensen-Shannon.</summary>
    Categorical,
}
