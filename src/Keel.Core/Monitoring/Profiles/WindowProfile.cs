namespace Keel.Monitoring.Profiles;

/// <summary>
/// Everything monitoring keeps about one window of predictions, on the reference's bins: bounded in memory
/// whatever the number of rows, and mergeable (an hour merged into a day costs no more than the hour).
/// </summary>
public sealed class WindowProfile
{
    private readonly ReferenceProfile _reference;
    private readonly Dictionary<string, NumericSketch> _numeric = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CategoricalSketch> _categorical = new(StringComparer.Ordinal);

    /// <summary>An empty window over the reference's features.</summary>
    public WindowProfile(ReferenceProfile reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        _reference = reference;
        foreach (FeatureReference f in reference.Features)
        {
            if (f.Kind == ColumnKind.Numeric)
            {
                _numeric[f.Name] = new NumericSketch(f.Numeric!, reference.Options.MaxExactWindowValues);
            }
            else
            {
                _categorical[f.Name] = new CategoricalSketch(reference.Options.MaxCategories);
            }
        }

        Score = reference.Score is null ? null : new NumericSketch(reference.Score, reference.Options.MaxExactWindowValues);
        Performance = new PerformanceSketch(reference.Options.ScoreBinCount);
    }

    /// <summary>The reference these sketches are binned on.</summary>
    public ReferenceProfile Reference => _reference;

    /// <summary>Rows added.</summary>
    public long Rows { get; private set; }

    /// <summary>Earliest prediction time seen, if any.</summary>
    public DateTimeOffset? FirstTime { get; private set; }

    /// <summary>Latest prediction time seen, if any.</summary>
    public DateTimeOffset? LastTime { get; private set; }

    /// <summary>Rows whose batch lacked a reference feature, per feature.</summary>
    public Dictionary<string, long> AbsentFeatureRows { get; } = new(StringComparer.Ordinal);

    /// <summary>Columns seen in the logs that the reference does not know.</summary>
    public SortedSet<string> UnknownColumns { get; } = new(StringComparer.Ordinal);

    /// <summary>Rows per model version.</summary>
    public Dictionary<string, long> ModelVersions { get; } = new(StringComparer.Ordinal);

    /// <summary>Rows with a score.</summary>
    public long ScoredRows { get; private set; }

    internal NumericSketch? Score { get; }

    internal PerformanceSketch Performance { get; }

    internal NumericSketch? NumericFeature(string name) => _numeric.GetValueOrDefault(name);

    internal CategoricalSketch? CategoricalFeature(string name) => _categorical.GetValueOrDefault(name);

    /// <summary>Adds a batch of captured predictions.</summary>
    public void Add(PredictionBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0)
        {
            return;
        }

        var columns = new Dictionary<string, DataColumn>(StringComparer.Ordinal);
        foreach (DataColumn c in batch.Features)
        {
            if (_reference.Find(c.Name) is null)
            {
                UnknownColumns.Add(c.Name);
            }
            else
            {
                columns[c.Name] = c;
            }
        }

        IReadOnlyList<FeatureReference> features = _reference.Features;
        Parallel.For(0, features.Count, new ParallelOptions { MaxDegreeOfParallelism = batch.Count >= 10_000 ? -1 : 1 }, i =>
        {
            FeatureReference f = features[i];
            if (!columns.TryGetValue(f.Name, out DataColumn? column))
            {
                return;
            }

            if (f.Kind == ColumnKind.Numeric)
            {
                double[] values = ColumnValues.Numbers(column, out long bad);
                _numeric[f.Name].Add(values, bad);
            }
            else
            {
                _categorical[f.Name].Add(ColumnValues.Levels(column));
            }
        });
        foreach (FeatureReference f in features.Where(f => !columns.ContainsKey(f.Name)))
        {
            AbsentFeatureRows[f.Name] = AbsentFeatureRows.GetValueOrDefault(f.Name) + batch.Count;
        }

        AddPredictions(batch);
        Rows += batch.Count;
    }

    /// <summary>Adds a feedback label for a row this window already holds (joined by request id).</summary>
    internal void AddFeedback(double score, string label)
    {
        AddLabel(score, label);
    }

    /// <summary>Adds another window of the same reference.</summary>
    public void Merge(WindowProfile other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!ReferenceEquals(other._reference, _reference))
        {
            throw new ArgumentException("Windows of different references cannot be merged.", nameof(other));
        }

        foreach (var (name, sketch) in other._numeric)
        {
            _numeric[name].Merge(sketch);
        }

        foreach (var (name, sketch) in other._categorical)
        {
            _categorical[name].Merge(sketch);
        }

        foreach (var (name, rows) in other.AbsentFeatureRows)
        {
            AbsentFeatureRows[name] = AbsentFeatureRows.GetValueOrDefault(name) + rows;
        }

        foreach (var (version, rows) in other.ModelVersions)
        {
            ModelVersions[version] = ModelVersions.GetValueOrDefault(version) + rows;
        }

        UnknownColumns.UnionWith(other.UnknownColumns);
        Score?.Merge(other.Score!);
        Performance.Merge(other.Performance);
        Rows += other.Rows;
        ScoredRows += other.ScoredRows;
        FirstTime = Min(FirstTime, other.FirstTime);
        LastTime = Max(LastTime, other.LastTime);
    }

    private void AddPredictions(PredictionBatch batch)
    {
        if (batch.Times is { } times)
        {
            foreach (DateTimeOffset t in times)
            {
                FirstTime = Min(FirstTime, t);
                LastTime = Max(LastTime, t);
            }
        }

        if (batch.ModelVersions is { } versions)
        {
            foreach (string? v in versions)
            {
                string key = string.IsNullOrEmpty(v) ? "(unknown)" : v;
                ModelVersions[key] = ModelVersions.GetValueOrDefault(key) + 1;
            }
        }

        if (batch.Scores is not { } scores)
        {
            return;
        }

        Score?.Add(scores, 0);
        for (int i = 0; i < batch.Count; i++)
        {
            double s = scores[i];
            if (!double.IsFinite(s))
            {
                continue;
            }

            ScoredRows++;
            if (_reference.Task == ModelTask.BinaryClassification)
            {
                Performance.AddScore(s);
            }

            if (batch.Labels?[i] is { Length: > 0 } label)
            {
                AddLabel(s, label);
            }
        }
    }

    private void AddLabel(double score, string label)
    {
        if (!double.IsFinite(score))
        {
            return;
        }

        if (_reference.Task == ModelTask.BinaryClassification && ColumnValues.BinaryLabel(label, _reference.PositiveLabel) is int y)
        {
            Performance.AddBinaryLabel(score, y);
        }
        else if (_reference.Task == ModelTask.Regression && ColumnValues.TryParse(label, out double actual) && double.IsFinite(actual))
        {
            Performance.AddRegression(score, actual);
        }
    }

    private static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private static DateTimeOffset? Max(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;
}
