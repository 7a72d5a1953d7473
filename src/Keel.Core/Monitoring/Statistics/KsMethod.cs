namespace Keel.Monitoring.Statistics;

/// <summary>How the two-sample Kolmogorov-Smirnov p-value is computed (SciPy's <c>method</c>).</summary>
public enum KsMethod
{
    /// <summary>Exact when the larger sample has at most 10,000 values, asymptotic otherwise.</summary>
    Auto = 0,

    /// <summary>Exact lattice-path computation; falls back to asymptotic when it cannot be done.</summary>
    Exact = 1,

    /// <summary>Kolmogorov distribution of D_n at the effective sample size n = round(n1·n2/(n1+n2)), as SciPy 1.5+.</summary>
    Asymptotic = 2,
}
