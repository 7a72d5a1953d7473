namespace Keel.Monitoring.Statistics;

/// <summary>
/// Compares category counts of a reference and a current window: categories new in the current window
/// share an <see cref="UnseenBucket"/> (so a new level never makes the statistic infinite), rare
/// levels are merged into an <see cref="OtherBucket"/>, then a chi-square homogeneity test, Cramér's V
/// and the Jensen-Shannon distance are computed.
/// </summary>
public static class CategoricalDrift
{
    /// <summary>Bucket name for current categories absent from the reference.</summary>
    public const string UnseenBucket = "__unseen__";

    /// <summary>Bucket name for levels too rare for the chi-square approximation.</summary>
    public const string OtherBucket = "__other__";

    /// <summary>Compares two count maps; non-positive counts are ignored.</summary>
    public static CategoricalDriftResult Compare(
        IReadOnlyDictionary<string, long> reference,
        IReadOnlyDictionary<string, long> current,
        CategoricalOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        options ??= new CategoricalOptions();
        options.Validate();

        List<(string Name, long Reference, long Current)> columns = BaseColumns(reference, current, out long unseen);
        double[] p = [.. columns.Select(col => (double)col.Reference)];
        double[] q = [.. columns.Select(col => (double)col.Current)];
        double js = JensenShannon.Distance(p, q);

        List<(string Name, long Reference, long Current)> tested = MergeRare(columns, options.MinExpectedCount);
        long[] r = [.. tested.Select(col => col.Reference)];
        long[] c = [.. tested.Select(col => col.Current)];
        ChiSquareResult chi = ChiSquareTest.Homogeneity(r, c, options.YatesCorrection);
        return new CategoricalDriftResult(chi, js, [.. tested.Select(col => col.Name)], unseen);
    }

    private static List<(string Name, long Reference, long Current)> BaseColumns(
        IReadOnlyDictionary<string, long> reference,
        IReadOnlyDictionary<string, long> current,
        out long unseen)
    {
        var columns = new List<(string Name, long Reference, long Current)>();
        foreach (string name in reference.Where(kv => kv.Value > 0).Select(kv => kv.Key).Order(StringComparer.Ordinal))
        {
            long c = current.TryGetValue(name, out long value) && value > 0 ? value : 0;
            columns.Add((name, reference[name], c));
        }

        unseen = current
            .Where(kv => kv.Value > 0 && !(reference.TryGetValue(kv.Key, out long value) && value > 0))
            .Sum(kv => kv.Value);
        if (unseen > 0)
        {
            columns.Add((UnseenBucket, 0, unseen));
        }

        return columns;
    }

    // A column is rare when min(R, C)·(its total)/N < threshold, the smaller of its two expected counts.
    // Rare columns are pooled into 'other'; if the pool is itself rare, the smallest remaining column
    // joins it until it is not (or nothing is left to add).
    private static List<(string Name, long Reference, long Current)> MergeRare(
        List<(string Name, long Reference, long Current)> columns,
        double threshold)
    {
        long r = columns.Sum(col => col.Reference);
        long c = columns.Sum(col => col.Current);
        double total = (double)r + c;
        if (r == 0 || c == 0)
        {
            return columns;
        }

        double smallerRow = Math.Min(r, c);
        bool IsRare(long columnTotal) => smallerRow * columnTotal / total < threshold;

        var kept = columns.Where(col => !IsRare(col.Reference + col.Current)).ToList();
        var rare = columns.Where(col => IsRare(col.Reference + col.Current)).ToList();
        if (rare.Count == 0)
        {
            return kept;
        }

        long otherR = rare.Sum(col => col.Reference);
        long otherC = rare.Sum(col => col.Current);
        while (IsRare(otherR + otherC) && kept.Count > 0)
        {
            int smallest = 0;
            for (int i = 1; i < kept.Count; i++)
            {
                if (kept[i].Reference + kept[i].Current < kept[smallest].Reference + kept[smallest].Current)
                {
                    smallest = i;
                }
            }

            otherR += kept[smallest].Reference;
            otherC += kept[smallest].Current;
            kept.RemoveAt(smallest);
        }

        kept.Add((OtherBucket, otherR, otherC));
        return kept;
    }
}
