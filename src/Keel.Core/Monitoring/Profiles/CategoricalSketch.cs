namespace Keel.Monitoring.Profiles;

/// <summary>A window's exact level counts for one categorical feature, bounded by <see cref="ProfileOptions.MaxCategories"/>.</summary>
internal sealed class CategoricalSketch(int maxCategories)
{
    /// <summary>Shared by levels that arrived after the distinct-level cap was reached.</summary>
    public const string OverflowBucket = "__overflow__";

    public Dictionary<string, long> Counts { get; } = new(StringComparer.Ordinal);

    public long Count { get; private set; }

    public long Missing { get; private set; }

    public void Add(ReadOnlySpan<string?> levels)
    {
        foreach (string? level in levels)
        {
            if (string.IsNullOrEmpty(level))
            {
                Missing++;
                continue;
            }

            Count++;
            Increment(level, 1);
        }
    }

    public void Merge(CategoricalSketch other)
    {
        foreach (var (level, n) in other.Counts)
        {
            Increment(level, n);
        }

        Count += other.Count;
        Missing += other.Missing;
    }

    private void Increment(string level, long n)
    {
        if (Counts.TryGetValue(level, out long c))
        {
            Counts[level] = c + n;
        }
        else if (Counts.Count < maxCategories)
        {
            Counts[level] = n;
        }
        else
        {
            Counts[OverflowBucket] = Counts.GetValueOrDefault(OverflowBucket) + n;
        }
    }
}
