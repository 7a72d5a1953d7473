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
/// the file goes into the caller's stream, so sealing a segment every few seconds allocates
/// little beyond what Parquet itself does.
/// </summary>
internal static class SegmentWriter
{
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
        var texts = ArrayPool<string?>.Shared.Rent(n);
        var doubles = ArrayPool<double?>.Shared.Rent(n);
        var bools = ArrayPool<bool?>.Shared.Rent(n);
        var ints = ArrayPool<int>.Shared.Rent(n);
        var longs = ArrayPool<long>.Shared.Rent(n);
        try
        {
            await using var writer = await ParquetWriter.CreateAsync(schema, output, cancellationToken: cancellationToken).ConfigureAwait(false);
            using var group = writer.CreateRowGroup();
            var df = schema.DataFields;
            var text = new ArraySegment<string>(texts!, 0, n);
            for (var i = 0; i < n; i++) texts[i] = rows.IdTextAt(i);
            await group.WriteAsync(df[0], text).ConfigureAwait(false);
            await group.WriteAsync<int>(df[1], Copy(rows.Rows, ints), null, null, cancellationToken).ConfigureAwait(false);
            await group.WriteAsync<long>(df[2], Copy(rows.Times, longs), null, null, cancellationToken).ConfigureAwait(false);
            Array.Fill(texts, model.Model, 0, n);
            await group.WriteAsync(df[3], text).ConfigureAwait(false);
            Array.Fill(ints, model.Version, 0, n);
            await group.WriteAsync<int>(df[4], ints.AsMemory(0, n), null, null, cancellationToken).ConfigureAwait(false);
            rows.Flags.CopyTo(texts);
            await group.WriteAsync(df[5], text).ConfigureAwait(false);
            var c = 6;
            for (var i = 0; i < inputs.Count; i++, c++)
            {
                switch (inputs[i].Type)
                {
                    case FieldType.Number:
                        var numbers = rows.Numbers(i);
                        for (var r = 0; r < n; r++) doubles[r] = double.IsNaN(numbers[r]) ? null : numbers[r];
                        await group.WriteAsync<double>(df[c], doubles.AsMemory(0, n), null, null, cancellationToken).ConfigureAwait(false);
                        break;
                    case FieldType.Boolean:
                        var flags = rows.Booleans(i);
                        for (var r = 0; r < n; r++) bools[r] = flags[r] switch { 0 => false, 1 => true, _ => null };
                        await group.WriteAsync<bool>(df[c], bools.AsMemory(0, n), null, null, cancellationToken).ConfigureAwait(false);
                        break;
                    default:
                        rows.Texts(i).CopyTo(texts);
                        await group.WriteAsync(df[c], text).ConfigureAwait(false);
                        break;
                }
            }
            for (var o = 0; o < outputs.Count; o++, c++)
            {
                var kinds = rows.OutputKinds(o);
                var values = rows.OutputNumbers(o);
                switch (outputKinds[o])
                {
                    case CaptureColumns.OutNumber:
                        for (var r = 0; r < n; r++) doubles[r] = kinds[r] == CaptureColumns.OutNumber ? values[r] : null;
                        await group.WriteAsync<double>(df[c], doubles.AsMemory(0, n), null, null, cancellationToken).ConfigureAwait(false);
                        break;
                    case CaptureColumns.OutBool:
                        for (var r = 0; r < n; r++) bools[r] = kinds[r] == CaptureColumns.OutBool ? values[r] != 0 : null;
                        await group.WriteAsync<bool>(df[c], bools.AsMemory(0, n), null, null, cancellationToken).ConfigureAwait(false);
                        break;
                    default:
                        for (var r = 0; r < n; r++) texts[r] = AsText(kinds[r], values[r], rows.OutputOther(o, r));
                        await group.WriteAsync(df[c], text).ConfigureAwait(false);
                        break;
                }
            }
        }
        finally
        {
            Array.Clear(texts, 0, n);
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

    /// <summary>A value in a text column: text as it is, anything else as JSON.</summary>
    private static string? AsText(byte kind, double number, object? other) => kind switch
    {
        CaptureColumns.OutNull => null,
        CaptureColumns.OutNumber => JsonSerializer.Serialize(number),
        CaptureColumns.OutBool => number != 0 ? "true" : "false",
        _ => other as string ?? JsonSerializer.Serialize(other),
    };
}
