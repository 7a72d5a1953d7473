using Keel.Monitoring.Profiles;

namespace Keel.Monitoring;

/// <summary>
/// A columnar batch of captured predictions, as a prediction source yields them: request ids, times,
/// model versions, feature values by name, the model's score and, when known, the true label.
/// </summary>
public sealed class PredictionBatch
{
    /// <summary>Rows in the batch.</summary>
    public required int Count { get; init; }

    /// <summary>Request id per row (joins feedback labels); null when the source has none.</summary>
    public string?[]? RequestIds { get; init; }

    /// <summary>Prediction time per row; null when the source has none (then only row windows apply).</summary>
    public DateTimeOffset[]? Times { get; init; }

    /// <summary>Model version per row, when captured.</summary>
    public string?[]? ModelVersions { get; init; }

    /// <summary>Feature columns by name.</summary>
    public IReadOnlyList<DataColumn> Features { get; init; } = [];

    /// <summary>Model score per row (probability of the positive class, or the regression prediction); NaN when absent.</summary>
    public double[]? Scores { get; init; }

    /// <summary>True label per row when already known; null or empty when not.</summary>
    public string?[]? Labels { get; init; }

    /// <summary>The rows at the given positions, in that order.</summary>
    public PredictionBatch Take(int[] rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return new PredictionBatch
        {
            Count = rows.Length,
            RequestIds = Pick(RequestIds, rows),
            Times = Pick(Times, rows),
            ModelVersions = Pick(ModelVersions, rows),
            Features = [.. Features.Select(c => c.Numbers is { } n ? DataColumn.OfNumbers(c.Name, Pick(n, rows)!) : DataColumn.OfTexts(c.Name, Pick(c.Texts, rows)!))],
            Scores = Pick(Scores, rows),
            Labels = Pick(Labels, rows),
        };
    }

    /// <summary>A contiguous range of rows.</summary>
    public PredictionBatch Slice(int start, int length)
    {
        if (start == 0 && length == Count)
        {
            return this;
        }

        return Take([.. Enumerable.Range(start, length)]);
    }

    private static T[]? Pick<T>(T[]? source, int[] rows)
    {
        if (source is null)
        {
            return null;
        }

        var result = new T[rows.Length];
        for (int i = 0; i < rows.Length; i++)
        {
            result[i] = source[rows[i]];
        }

        return result;
    }
}
