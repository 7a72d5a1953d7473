using System.Globalization;
using System.Runtime.CompilerServices;
using Keel.Monitoring;
using Keel.Monitoring.Profiles;

namespace Keel.Cli.Monitoring;

/// <summary>Captured predictions from CSV files, one batch per file, files in name order.</summary>
internal sealed class CsvPredictionSource(IReadOnlyList<string> files, CsvColumns columns) : IPredictionSource
{
    public string Description => files.Count == 1 ? files[0] : $"{files.Count} files ({files[0]}, ...)";

    public async IAsyncEnumerable<PredictionBatch> ReadAsync(DateTimeOffset? since, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (string file in files)
        {
            cancellationToken.ThrowIfCancellationRequested();
            CsvTable table = await Task.Run(() => CsvTable.Read(file), cancellationToken).ConfigureAwait(false);
            PredictionBatch batch = ToBatch(table, columns);
            if (since is { } s && batch.Times is { } times)
            {
                int[] keep = [.. Enumerable.Range(0, batch.Count).Where(i => times[i] >= s)];
                batch = keep.Length == batch.Count ? batch : batch.Take(keep);
            }
            yield return batch;
        }
    }

    public static PredictionBatch ToBatch(CsvTable table, CsvColumns columns)
    {
        string?[]? scores = table.Column(columns.Score);
        string?[]? times = table.Column(columns.Time);
        return new PredictionBatch
        {
            Count = table.Rows,
            RequestIds = table.Column(columns.Id),
            Times = times is null ? null : [.. times.Select((t, i) => ParseTime(t, table.Path, i))],
            ModelVersions = table.Column(columns.ModelVersion),
            Features = [.. table.Header.Where(columns.IsFeature).Select(h => DataColumn.OfTexts(h, table.Column(h)!))],
            Scores = scores is null ? null : [.. scores.Select(s => s is not null && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : double.NaN)],
            Labels = table.Column(columns.Label),
        };
    }

    private static DateTimeOffset ParseTime(string? text, string path, int row)
    {
        if (text is not null && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)) return t;
        if (text is not null && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double unix) && double.IsFinite(unix) && Math.Abs(unix) < 1e11)
            return DateTimeOffset.UnixEpoch.AddSeconds(unix);
        throw new KeelException($"{path}:{row + 2}: '{text}' is not a timestamp; write ISO 8601 (2026-03-01T12:00:00Z) or Unix seconds");
    }
}
