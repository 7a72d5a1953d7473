using System.Buffers;
using System.Text.Json;
using Keel.Registry;
using Parquet;
using Parquet.Schema;

namespace Keel.Server.Capture;

/// <summary>
/// Writes captured rows of one model version as a Parquet file: request_id, row, time (UTC ms),
/// model, version, flags, one typed column per input (<c>input.NAME</c>) and per output
/// (<c>output.NAME</c>: double, bool or string; arrays as JSON text). The rows come by column
/// (<see cref="CaptureColumns"/>); the column buffers Parquet needs are rented and returned, and
/// the file goes into the caller's stream, in row groups of <see cref="RowGroupRows"/>, so sealing
/// a segment several times a second allocates nothing that outlives it.
/// </summary>
internal static class SegmentWriter
{
    /// <summary>
    /// Rows per row group: small enough that every buffer Parquet makes for a column (16 bytes a
    /// value in memory; a request id column is some 36 bytes a row encoded) stays under the
    /// large-object heap's 85,000 bytes, so cutting segments under load leaves no garbage that
    /// only a full collection would reclaim.
    /// </summary>
    public const int RowGroupRows = 2048;

    public static async Task WriteAsync(CaptureLogHeader model, CaptureColumns rows, Stream output, CancellationToken cancellationToken)
    {
        var n = rows.Count;
        var fields = new List<DataField>
        {
            new DataField<string>("request_id"), new DataField<int>("row"), new DataField<long>("time"),
            new DataField<string>("model"), new DataField<int>("version"), new DataField<string>("flags", true),
        };
        var inputs = model.Inputs;
        foreach (var f in inputs)
            fields.Add(f.Type switch
            {
                FieldType.Number => new DataField<double?>($"input.{f.Name}"),
                FieldType.Boolean => new DataField<bool?>($"input.{f.Name}"),
                _ => new DataField<string>($"input.{f.Name}", true),
            });
        var outputs = model.Outputs;
        var outputKinds = new byte[outputs.Count];
        for (var o = 0; o < outputs.Count; o++)
        {
            // The column's type follows the first value that is not null: number, boolean, else text.
            var kinds = rows.OutputKinds(o);
            var first = kinds.IndexOfAnyExcept(CaptureColumns.OutNull);
            outputKinds[o] = first < 0 ? CaptureColumns.OutText : kinds[first] is CaptureColumns.OutNumber or CaptureColumns.OutBool ? kinds[first] : CaptureColumns.OutText;
            fields.Add(outputKinds[o] switch
            {
                CaptureColumns.OutNumber => new DataField<double?>($"output.{outputs[o]}"),
                CaptureColumns.OutBool => new DataField<bool?>($"output.{outputs[o]}"),
                _ => new DataField<string>($"output.{outputs[o]}", true),
            });
        }
        var schema = new ParquetSchema(fields);
        var texts = ArrayPool<string?>.Shared.Rent(RowGroupRows);
        var doubles = ArrayPool<double?>.Shared.Rent(RowGroupRows);
        var bools = ArrayPool<bool?>.Shared.Rent(RowGroupRows);
        var ints = ArrayPool<int>.Shared.Rent(RowGroupRows);
        var longs = ArrayPool<long>.Shared.Rent(RowGroupRows);
        try
        {
            await using var writer = await ParquetWriter.CreateAsync(schema, output, cancellationToken: cancellationToken).ConfigureAwait(false);
            var df = schema.DataFields;
            for (var first = 0; first < n; first += RowGroupRows)
            {
                var m = Math.Min(RowGroupRows, n - first);
                using var group = writer.CreateRowGroup();
                var text = new ArraySegment<string>(texts!, 0, m);
                for (var r = 0; r < m; r++) texts[r] = rows.IdTextAt(first + r);
                await group.WriteAsync(df[0], text).ConfigureAwait(false);
                await group.WriteAsync<int>(df[1], Copy(rows.Rows.Slice(first, m), ints), null, null, cancellationToken).ConfigureAwait(false);
                await group.WriteAsync<long>(df[2], Copy(rows.Times.Slice(first, m), longs), null, null, cancellationToken).ConfigureAwait(false);
                Array.Fill(texts, model.Model, 0, m);
                await group.WriteAsync(df[3], text).ConfigureAwait(false);
                Array.Fill(ints, model.Version, 0, m);
                await group.WriteAsync<int>(df[4], ints.AsMemory(0, m), null, null, cancellationToken).ConfigureAwait(false);
                rows.Flags.Slice(first, m).CopyTo(texts);
                await group.WriteAsync(df[5], text).ConfigureAwait(false);
                var c = 6;
                for (var i = 0; i < inputs.Count; i++, c++)
                {
                    switch (inputs[i].Type)
                    {
                        case FieldType.Number:
                            var numbers = rows.Numbers(i).Slice(first, m);
                            for (var r = 0; r < m; r++) doubles[r] = double.IsNaN(numbers[r]) ? null : numbers[r];
                            await group.WriteAsync<double>(df[c], doubles.AsMemory(0, m), null, null, cancellationToken).ConfigureAwait(false);
                            break;
                        case FieldType.Boolean:
                            var flags = rows.Booleans(i).Slice(first, m);
                            for (var r = 0; r < m; r++) bools[r] = flags[r] switch { 0 => false, 1 => true, _ => null };
                            await group.WriteAsync<bool>(df[c], bools.AsMemory(0, m), null, null, cancellationToken).ConfigureAwait(false);
                            break;
                        default:
                            rows.Texts(i).Slice(first, m).CopyTo(texts);
                            await group.WriteAsync(df[c], text).ConfigureAwait(false);
                            break;
                    }
                }
                for (var o = 0; o < outputs.Count; o++, c++)
                {
                    var kinds = rows.OutputKinds(o).Slice(first, m);
                    var values = rows.OutputNumbers(o).Slice(first, m);
                    switch (outputKinds[o])
                    {
                        case CaptureColumns.OutNumber:
                            for (var r = 0; r < m; r++) doubles[r] = kinds[r] == CaptureColumns.OutNumber ? values[r] : null;
                            await group.WriteAsync<double>(df[c], doubles.AsMemory(0, m), null, null, cancellationToken).ConfigureAwait(false);
                            break;
                        case CaptureColumns.OutBool:
                            for (var r = 0; r < m; r++) bools[r] = kinds[r] == CaptureColumns.OutBool ? values[r] != 0 : null;
                            await group.WriteAsync<bool>(df[c], bools.AsMemory(0, m), null, null, cancellationToken).ConfigureAwait(false);
                            break;
                        default:
                            for (var r = 0; r < m; r++) texts[r] = AsText(kinds[r], values[r], rows.OutputOther(o, first + r));
                            await group.WriteAsync(df[c], text).ConfigureAwait(false);
                            break;
                    }
                }
            }
        }
        finally
        {
            Array.Clear(texts);
            ArrayPool<string?>.Shared.Return(texts);
            ArrayPool<double?>.Shared.Return(doubles);
            ArrayPool<bool?>.Shared.Return(bools);
            ArrayPool<int>.Shared.Return(ints);
            ArrayPool<long>.Shared.Return(longs);
        }
    }

    private static ReadOnlyMemory<T> Copy<T>(ReadOnlySpan<T> values, T[] into)
    {
        values.CopyTo(into);
        return into.AsMemory(0, values.Length);
    }

    // A model may output NaN or Infinity (in an array too): written as "NaN", "Infinity", since JSON has no such numbers.
    private static readonly JsonSerializerOptions NamedFloats = new() { NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>A value in a text column: text as it is, anything else as JSON.</summary>
    private static string? AsText(byte kind, double number, object? other) => kind switch
    {
        CaptureColumns.OutNull => null,
        CaptureColumns.OutNumber => JsonSerializer.Serialize(number, NamedFloats),
        CaptureColumns.OutBool => number != 0 ? "true" : "false",
        _ => other as string ?? JsonSerializer.Serialize(other, NamedFloats),
    };
}
