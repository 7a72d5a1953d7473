namespace Keel.Monitoring.Profiles;

/// <summary>Builds a <see cref="ReferenceProfile"/> from a tabular dataset (the training data, with the model's scores when known).</summary>
public static class ReferenceProfileBuilder
{
    /// <summary>Profiles every column that is not ignored, the score or the label; infers numeric vs categorical per column.</summary>
    public static ReferenceProfile Build(IReadOnlyList<DataColumn> columns, ReferenceColumns roles, string source, ProfileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(roles);
        options ??= new ProfileOptions();
        options.Validate();
        long rows = columns.Count == 0 ? 0 : columns[0].Length;
        if (columns.Any(c => c.Length != rows))
        {
            throw new ArgumentException("All columns must have the same length.", nameof(columns));
        }

        var features = new FeatureReference[columns.Count];
        Parallel.For(0, columns.Count, i =>
        {
            DataColumn c = columns[i];
            if (roles.Ignore.Contains(c.Name) || c.Name == roles.Score || c.Name == roles.Label)
            {
                return;
            }

            bool numeric = roles.Kinds.TryGetValue(c.Name, out ColumnKind kind) ? kind == ColumnKind.Numeric : ColumnValues.LooksNumeric(c, options.NumericShare);
            features[i] = numeric
                ? new FeatureReference { Name = c.Name, Kind = ColumnKind.Numeric, Numeric = NumericReferenceBuilder.Build(ColumnValues.Numbers(c, out _), options) }
                : new FeatureReference { Name = c.Name, Kind = ColumnKind.Categorical, Categorical = Categorical(ColumnValues.Levels(c)) };
        });

        DataColumn? scoreColumn = roles.Score is null ? null : columns.FirstOrDefault(c => c.Name == roles.Score);
        DataColumn? labelColumn = roles.Label is null ? null : columns.FirstOrDefault(c => c.Name == roles.Label);
        double[]? scores = scoreColumn is null ? null : ColumnValues.Numbers(scoreColumn, out _);
        ModelTask task = roles.Task ?? InferTask(scores);
        return new ReferenceProfile
        {
            Rows = rows,
            Source = source,
            Features = [.. features.Where(f => f is not null)],
            Task = task,
            Score = scores is null ? null : NumericReferenceBuilder.Build(scores, options),
            PositiveLabel = roles.PositiveLabel,
            Calibration = task == ModelTask.BinaryClassification && scores is not null && labelColumn is not null
                ? Calibrate(scores, ColumnValues.Levels(labelColumn), roles.PositiveLabel, options.ScoreBinCount)
                : null,
            Options = options,
        };
    }

    internal static ModelTask InferTask(double[]? scores)
    {
        if (scores is null || !scores.Any(double.IsFinite))
        {
            return ModelTask.None;
        }

        return scores.Where(double.IsFinite).All(s => s is >= 0 and <= 1) ? ModelTask.BinaryClassification : ModelTask.Regression;
    }

    private static CategoricalReference Categorical(string?[] levels)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        long missing = 0;
        foreach (string? level in levels)
        {
            if (string.IsNullOrEmpty(level))
            {
                missing++;
            }
            else
            {
                counts[level] = counts.GetValueOrDefault(level) + 1;
            }
        }

        return new CategoricalReference { Count = levels.Length - missing, Missing = missing, Counts = counts };
    }

    // Observed positive rate per score bin, shrunk towards the bin's mean score with the weight of 10 rows.
    private static double[] Calibrate(double[] scores, string?[] labels, string positive, int bins)
    {
        const double Prior = 10;
        double[] positives = new double[bins];
        double[] counts = new double[bins];
        double[] sums = new double[bins];
        for (int i = 0; i < scores.Length; i++)
        {
            int? y = ColumnValues.BinaryLabel(labels[i], positive);
            if (y is null || !double.IsFinite(scores[i]))
            {
                continue;
            }

            int b = ScoreBins.Index(scores[i], bins);
            positives[b] += y.Value;
            counts[b]++;
            sums[b] += Math.Clamp(scores[i], 0, 1);
        }

        double[] calibrated = new double[bins];
        for (int b = 0; b < bins; b++)
        {
            double prior = counts[b] > 0 ? sums[b] / counts[b] : ScoreBins.Center(b, bins);
            calibrated[b] = (positives[b] + (Prior * prior)) / (counts[b] + Prior);
        }

        return calibrated;
    }
}
