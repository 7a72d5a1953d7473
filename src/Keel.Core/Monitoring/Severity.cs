namespace Keel.Monitoring;

/// <summary>How bad a window, a finding or an alert state is; ordered.</summary>
public enum Severity
{
    /// <summary>Nothing to act on.</summary>
    Ok,

    /// <summary>Worth a look: a data-quality finding, a significant but small shift, or an estimate below the floor.</summary>
    Warn,

    /// <summary>Drift, an absent feature, or realised performance below the floor.</summary>
    Alert,
}
