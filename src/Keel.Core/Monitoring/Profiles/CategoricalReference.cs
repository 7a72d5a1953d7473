namespace Keel.Monitoring.Profiles;

/// <summary>Reference profile of one categorical feature: exact level counts; serialisable as JSON.</summary>
public sealed record CategoricalReference
{
    /// <summary>Non-missing values profiled.</summary>
    public long Count { get; init; }

    /// <summary>Missing values (null or empty).</summary>
    public long Missing { get; init; }

    /// <summary>Count per level.</summary>
    public Dictionary<string, long> Counts { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Missing share of all rows.</summary>
    public double MissingRate => Count + Missing == 0 ? 0 : Missing / (double)(Count + Missing);
}
