using Keel.Monitoring;
using Parquet;
using Parquet.Schema;
using MonitoredColumn = Keel.Monitoring.Profiles.DataColumn;

namespace Keel.Server.Capture;

/// <summary>
/// Reads a captured Parquet segment (the schema <see cref="SegmentWriter"/> writes) back as a monitoring batch:
/// <c>input.NAME</c> columns become features (booleans as <c>true</c>/<c>false</c>), the <c>Probability</c>
/// output (else <c>Score</c>) the score, and each row is keyed by <see cref="RowKey"/> so feedback joins on it.
/// </summary>
internal static class SegmentReader
{
    /// <summary>The key a captured row and its feedback label share: the request id, then <c>#ROW</c> for rows after the first of a batch.</summary>
    public static string RowKey(string requestId, int row) => row == 0 ? requestId : $"{requestId}#{row}";

    public static async Task<PredictionBatch> ReadAsync(Stream stream, string label, CancellationToken cancellationToken)
    {
        try
        {
            return await ReadSegmentAsync(stream, label, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not (KeelException or OperationCanceledException or OutOfMemoryException))
        {
            // Parquet.Net reports a damaged file with whatever its decoders throw (its Thrift
            // exceptions, index and overflow errors, ...) and messages in its own terms
            // ("can't read page type INDEX_PAGE"): all mean the same to a user.
            throw new KeelException($"{label} is not a readable Parquet segment: it is damaged ({e.GetType().Name}); check the object store with keel fsck");
        }
    }

    private static async Task<PredictionBatch> ReadSegmentAsync(Stream stream, string label, CancellationToken cancellationToken)
    {
        ParquetReader reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            DataField[] fields = reader.Schema.DataFields;
            foreach (string required in (string[])["request_id", "row", "time", "version"])
            {
                if (!fields.Any(f => f.Name == required))
                {
                    throw new KeelException($"{label} has no '{required}' column: it is not a keel capture segment");
                }
            }

            var batches = new List<PredictionBatch>();
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using ParquetRowGroupReader group = reader.OpenRowGroupReader(g);
                batches.Add(await ReadGroupAsync(group, fields, cancellationToken).ConfigureAwait(false));
            }

            return batches.Count == 1 ? batches[0] : Concat(batches);
        }
    }

    private static async Task<PredictionBatch> ReadGroupAsync(ParquetRowGroupReader group, DataField[] fields, CancellationToken ct)
    {
        int n = checked((int)group.RowCount);
        DataField Field(string name) => fields.First(f => f.Name == name);
        string?[] ids = await Strings(group, Field("request_id"), n, ct).ConfigureAwait(false);
        int[] rows = new int[n];
        await group.ReadAsync<int>(Field("row"), rows.AsMemory(), null, ct).ConfigureAwait(false);
        long[] times = new long[n];
        await group.ReadAsync<long>(Field("time"), times.AsMemory(), null, ct).ConfigureAwait(false);
        int[] versions = new int[n];
        await group.ReadAsync<int>(Field("version"), versions.AsMemory(), null, ct).ConfigureAwait(false);

        var features = new List<MonitoredColumn>();
        double[]? scores = null;
        foreach (DataField field in fields)
        {
            if (field.Name.StartsWith("input.", StringComparison.Ordinal))
            {
                features.Add(await ColumnAsync(group, field, field.Name["input.".Length..], n, ct).ConfigureAwait(false));
            }
        }

        DataField? score = fields.FirstOrDefault(f => f.Name == "output.Probability") ?? fields.FirstOrDefault(f => f.Name == "output.Score");
        if (score is not null && (await ColumnAsync(group, score, "score", n, ct).ConfigureAwait(false)).Numbers is { } s)
        {
            scores = s;
        }

        return new PredictionBatch
        {
            Count = n,
            RequestIds = [.. Enumerable.Range(0, n).Select(i => ids[i] is { } id ? RowKey(id, rows[i]) : null)],
            Times = [.. times.Select(DateTimeOffset.FromUnixTimeMilliseconds)],
            ModelVersions = [.. versions.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))],
            Features = features,
            Scores = scores,
        };
    }

    private static async Task<MonitoredColumn> ColumnAsync(ParquetRowGroupReader group, DataField field, string name, int n, CancellationToken ct)
    {
        if (field.ClrType == typeof(double))
        {
            double?[] values = new double?[n];
            await group.ReadAsync<double>(field, values.AsMemory(), null, ct).ConfigureAwait(false);
            return MonitoredColumn.OfNumbers(name, [.. values.Select(v => v ?? double.NaN)]);
        }

        if (field.ClrType == typeof(bool))
        {
            bool?[] values = new bool?[n];
            await group.ReadAsync<bool>(field, values.AsMemory(), null, ct).ConfigureAwait(false);
            return MonitoredColumn.OfTexts(name, [.. values.Select(v => v switch { true => "true", false => "false", null => null })]);
        }

        return MonitoredColumn.OfTexts(name, await Strings(group, field, n, ct).ConfigureAwait(false));
    }

    private static async Task<string?[]> Strings(ParquetRowGroupReader group, DataField field, int n, CancellationToken ct)
    {
        string?[] values = new string?[n];
        await group.ReadAsync(field, values.AsMemory()!, null, ct).ConfigureAwait(false);
        return values;
    }

    private static PredictionBatch Concat(List<PredictionBatch> batches)
    {
        static T[]? Join<T>(IEnumerable<T[]?> parts) => parts.Any(p => p is null) ? null : [.. parts.SelectMany(p => p!)];
        return new PredictionBatch
        {
            Count = batches.Sum(b => b.Count),
            RequestIds = Join(batches.Select(b => b.RequestIds)),
            Times = Join(batches.Select(b => b.Times)),
            ModelVersions = Join(batches.Select(b => b.ModelVersions)),
            Features = [.. batches[0].Features.Select(c => c.Numbers is not null
                ? MonitoredColumn.OfNumbers(c.Name, [.. batches.SelectMany(b => b.Features.First(x => x.Name == c.Name).Numbers!)])
                : MonitoredColumn.OfTexts(c.Name, [.. batches.SelectMany(b => b.Features.First(x => x.Name == c.Name).Texts!)]))],
            Scores = Join(batches.Select(b => b.Scores)),
        };
    }
}
