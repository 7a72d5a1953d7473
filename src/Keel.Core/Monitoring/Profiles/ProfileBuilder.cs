using Keel.Registry;

namespace Keel.Monitoring.Profiles;

/// <summary>Profiles reference data per feature (see <see cref="FeatureProfile"/>).</summary>
public static class ProfileBuilder
{
    /// <summary>Up to this many values a numeric feature keeps them all; above, 1,001 quantiles.</summary>
    public const int ExactLimit = 5000;

    public static TrainingProfile Build(CsvTable table, IReadOnlyList<SignatureField> fields)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(fields);
        var features = new List<FeatureProfile>(fields.Count);
        foreach (var f in fields)
        {
            var col = table.IndexOf(f.Name);
            if (col < 0) continue;
            features.Add(f.Type == FieldType.Number ? Numeric(table, col, f.Name) : Categorical(table, col, f.Name, f.Type));
        }
        return new TrainingProfile(table.Rows.Count, features);
    }

    private static FeatureProfile Numeric(CsvTable table, int col, string name)
    {
        var values = new List<double>(table.Rows.Count);
        long missing = 0;
        foreach (var row in table.Rows)
        {
            if (!FieldValues.IsMissing(row[col]) && FieldValues.TryNumber(row[col], out var d) && double.IsFinite(d)) values.Add(d);
            else missing++;
        }
        values.Sort();
        long count = table.Rows.Count;
        var rate = count == 0 ? 0 : missing / (double)count;
        if (values.Count == 0) return new FeatureProfile(name, FieldType.Number, count, missing, rate, null, null, null, null, [], null, null);
        double sum = 0;
        foreach (var v in values) sum += v;
        var mean = sum / values.Count;
        double sq = 0;
        foreach (var v in values) sq += (v - mean) * (v - mean);
        var sd = values.Count > 1 ? Math.Sqrt(sq / (values.Count - 1)) : 0;
        IReadOnlyList<double>? sorted = values.Count <= ExactLimit ? values : null;
        IReadOnlyList<double>? quantiles = sorted is null ? Quantiles(values, 1000) : null;
        return new FeatureProfile(name, FieldType.Number, count, missing, rate, values[0], values[^1], mean, sd, sorted, quantiles, null);
    }

    private static FeatureProfile Categorical(CsvTable table, int col, string name, FieldType type)
    {
        var counts = new SortedDictionary<string, long>(StringComparer.Ordinal);
        long missing = 0;
        foreach (var row in table.Rows)
        {
            var cell = row[col];
            if (FieldValues.IsMissing(cell)) { missing++; continue; }
            counts[cell] = counts.TryGetValue(cell, out var c) ? c + 1 : 1;
        }
        long count = table.Rows.Count;
        return new FeatureProfile(name, type, count, missing, count == 0 ? 0 : missing / (double)count, null, null, null, null, null, null, counts);
    }

    /// <summary>Quantiles at i/steps, i = 0..steps, by linear interpolation between order statistics.</summary>
    public static double[] Quantiles(IReadOnlyList<double> sorted, int steps)
    {
        var q = new double[steps + 1];
        for (var i = 0; i <= steps; i++)
        {
            var h = (sorted.Count - 1) * (i / (double)steps);
            var lo = (int)Math.Floor(h);
            var hi = Math.Min(lo + 1, sorted.Count - 1);
            q[i] = sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
        }
        return q;
    }
}
