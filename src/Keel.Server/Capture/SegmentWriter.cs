using System.Text.Json;
using Keel.Registry;
using Parquet;
using Parquet.Schema;

namespace Keel.Server.Capture;

/// <summary>
/// Writes captured rows of one model version as a Parquet file: request_id, row, time (UTC ms),
/// model, version, flags, one typed column per input (<c>input.NAME</c>) and per output
/// (<c>output.NAME</c>: double, bool or string; arrays as JSON text).
/// </summary>
internal static class SegmentWriter
{
    public static async Task<byte[]> WriteAsync(CaptureLogHeader model, IReadOnlyList<LoggedRow> rows, CancellationToken cancellationToken)
    {
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
        var outputKinds = new int[outputs.Count];
        for (var o = 0; o < outputs.Count; o++)
        {
            var sample = rows.Select(r => r.Outputs[o]).FirstOrDefault(v => v is not null);
            outputKinds[o] = sample switch { double => 0, bool => 1, _ => 2 };
            fields.Add(outputKinds[o] switch
            {
                0 => new DataField<double?>($"output.{outputs[o]}"),
                1 => new DataField<bool?>($"output.{outputs[o]}"),
                _ => new DataField<string>($"output.{outputs[o]}", true),
            });
        }
        var schema = new ParquetSchema(fields);
        using var stream = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(schema, stream, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            using var group = writer.CreateRowGroup();
            var df = schema.DataFields;
            await group.WriteAsync(df[0], rows.Select(r => r.RequestId).ToArray()).ConfigureAwait(false);
            await group.WriteAsync<int>(df[1], rows.Select(r => r.Row).ToArray(), null, null, cancellationToken).ConfigureAwait(false);
            await group.WriteAsync<long>(df[2], rows.Select(r => r.TimeMs).ToArray(), null, null, cancellationToken).ConfigureAwait(false);
            await group.WriteAsync(df[3], rows.Select(_ => model.Model).ToArray()).ConfigureAwait(false);
            await group.WriteAsync<int>(df[4], rows.Select(_ => model.Version).ToArray(), null, null, cancellationToken).ConfigureAwait(false);
            await group.WriteAsync(df[5], rows.Select(r => r.Flags!).ToArray()).ConfigureAwait(false);
            var c = 6;
            for (var i = 0; i < inputs.Count; i++, c++)
            {
                var k = i;
                switch (inputs[i].Type)
                {
                    case FieldType.Number:
                        await group.WriteAsync<double>(df[c], rows.Select(r => r.Inputs[k] is double d && !double.IsNaN(d) ? d : (double?)null).ToArray(), null, null, cancellationToken).ConfigureAwait(false);
                        break;
                    case FieldType.Boolean:
                        await group.WriteAsync<bool>(df[c], rows.Select(r => r.Inputs[k] as bool?).ToArray(), null, null, cancellationToken).ConfigureAwait(false);
                        break;
                    default:
                        await group.WriteAsync(df[c], rows.Select(r => (r.Inputs[k] as string)!).ToArray()).ConfigureAwait(false);
                        break;
                }
            }
            for (var o = 0; o < outputs.Count; o++, c++)
            {
                var k = o;
                switch (outputKinds[o])
                {
                    case 0:
                        await group.WriteAsync<double>(df[c], rows.Select(r => r.Outputs[k] as double?).ToArray(), null, null, cancellationToken).ConfigureAwait(false);
                        break;
                    case 1:
                        await group.WriteAsync<bool>(df[c], rows.Select(r => r.Outputs[k] as bool?).ToArray(), null, null, cancellationToken).ConfigureAwait(false);
                        break;
                    default:
                        await group.WriteAsync(df[c], rows.Select(r => r.Outputs[k] switch { null => null!, string s => s, var v => JsonSerializer.Serialize(v) }).ToArray()).ConfigureAwait(false);
                        break;
                }
            }
        }
        return stream.ToArray();
    }
}
