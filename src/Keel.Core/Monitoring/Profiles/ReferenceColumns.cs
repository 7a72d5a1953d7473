namespace Keel.Monitoring.Profiles;

/// <summary>Which columns of a tabular dataset are not features, and what the model predicts.</summary>
public sealed record ReferenceColumns
{
    /// <summary>Columns never profiled as features (ids, timestamps).</summary>
    public IReadOnlySet<string> Ignore { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Column holding the model's score (probability or numeric prediction), if any.</summary>
    public string? Score { get; init; }

    /// <summary>Column holding the true label, if any.</summary>
    public string? Label { get; init; }

    /// <summary>Task; inferred from the scores when null (all in [0, 1]: binary classification).</summary>
    public ModelTask? Task { get; init; }

    /// <summary>Kind per column when known (a model's signature); columns not named here are inferred from their values.</summary>
    public IReadOnlyDictionary<string, ColumnKind> Kinds { get; init; } = new Dictionary<string, ColumnKind>(StringComparer.Ordinal);

    /// <summary>Label value counted as positive.</summary>
    public string PositiveLabel { get; init; } = "1";
}
