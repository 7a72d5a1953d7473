using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Keel.Registry;

namespace Keel.Server.Capture;

/// <summary>
/// One row of a capture log, in binary: a marker byte and the body's length (int32), then the
/// request id, row (int32), time (int64 UTC ms), flags, one value per input in the header's
/// types (number: float64, NaN when missing; boolean: a byte, 2 for null; text: a string) and one
/// tagged value per output. Strings are an int32 byte length (-1 for null) and UTF-8; integers
/// are little-endian. A record whose length runs past the end of the file was cut short.
/// </summary>
internal static class CaptureRecord
{
    private const byte Marker = 0xCA;
    private const byte Null = 0, Number = 1, Bool = 2, Text = 3, Numbers = 4;

    public static void Write(IBufferWriter<byte> buffer, CaptureLogHeader header, string requestId, int row, long timeMs, string? flags, object?[] inputs, object?[] outputs) =>
        Write(buffer, header, RequestId.Parse(requestId), row, timeMs, flags, inputs, outputs);

    public static void Write(IBufferWriter<byte> buffer, CaptureLogHeader header, RequestId requestId, int row, long timeMs, string? flags, object?[] inputs, object?[] outputs)
    {
        var size = 4 + requestId.Utf8Length + 4 + 8 + StringSize(flags);
        for (var i = 0; i < header.Inputs.Count; i++)
            size += header.Inputs[i].Type switch { FieldType.Number => 8, FieldType.Boolean => 1, _ => StringSize(inputs[i] as string) };
        foreach (var o in outputs) size += 1 + OutputSize(o);
        var span = buffer.GetSpan(5 + size);
        span[0] = Marker;
        BinaryPrimitives.WriteInt32LittleEndian(span[1..], size);
        var at = 5;
        var idLength = requestId.WriteUtf8(span[(at + 4)..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], idLength);
        at += 4 + idLength;
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], row);
        at += 4;
        BinaryPrimitives.WriteInt64LittleEndian(span[at..], timeMs);
        at += 8;
        WriteString(span, ref at, flags);
        for (var i = 0; i < header.Inputs.Count; i++)
        {
            switch (header.Inputs[i].Type)
            {
                case FieldType.Number:
                    BinaryPrimitives.WriteDoubleLittleEndian(span[at..], inputs[i] is double d ? d : double.NaN);
                    at += 8;
                    break;
                case FieldType.Boolean:
                    span[at++] = inputs[i] switch { true => 1, false => 0, _ => 2 };
                    break;
                default:
                    WriteString(span, ref at, inputs[i] as string);
                    break;
            }
        }
        foreach (var o in outputs) WriteOutput(span, ref at, o);
        buffer.Advance(at);
    }

    /// <summary>Reads the record at the start of <paramref name="rest"/> and moves past it; false when it is cut short or not a record.</summary>
    public static bool TryRead(ref ReadOnlySpan<byte> rest, CaptureLogHeader header, out LoggedRow row)
    {
        row = null!;
        if (rest.Length < 5 || rest[0] != Marker) return false;
        var size = BinaryPrimitives.ReadInt32LittleEndian(rest[1..]);
        if (size < 0 || rest.Length - 5 < size) return false;
        var body = rest.Slice(5, size);
        try
        {
            var at = 0;
            var id = ReadString(body, ref at)!;
            var index = BinaryPrimitives.ReadInt32LittleEndian(body[at..]);
            at += 4;
            var time = BinaryPrimitives.ReadInt64LittleEndian(body[at..]);
            at += 8;
            var flags = ReadString(body, ref at);
            var inputs = new object?[header.Inputs.Count];
            for (var i = 0; i < inputs.Length; i++)
            {
                switch (header.Inputs[i].Type)
                {
                    case FieldType.Number:
                        inputs[i] = BinaryPrimitives.ReadDoubleLittleEndian(body[at..]);
                        at += 8;
                        break;
                    case FieldType.Boolean:
                        inputs[i] = body[at++] switch { 0 => false, 1 => true, _ => null };
                        break;
                    default:
                        inputs[i] = ReadString(body, ref at);
                        break;
                }
            }
            var outputs = new object?[header.Outputs.Count];
            for (var o = 0; o < outputs.Length; o++) outputs[o] = ReadOutput(body, ref at);
            if (at != size) return false;
            row = new LoggedRow(id, index, time, flags, inputs, outputs);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            // A body shorter than the header's fields say (span slices throw the first, span indexing the second).
            return false;
        }
        rest = rest[(5 + size)..];
        return true;
    }

    private static int StringSize(string? s) => 4 + (s is null ? 0 : Encoding.UTF8.GetByteCount(s));

    private static int OutputSize(object? v) => v switch
    {
        double or float => 8,
        bool => 1,
        string s => StringSize(s),
        double[] a => 4 + (8 * a.Length),
        float[] a => 4 + (8 * a.Length),
        null => 0,
        _ => StringSize(Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)),
    };

    private static void WriteOutput(Span<byte> span, ref int at, object? v)
    {
        switch (v)
        {
            case double d:
                span[at++] = Number;
                BinaryPrimitives.WriteDoubleLittleEndian(span[at..], d);
                at += 8;
                break;
            case float f:
                span[at++] = Number;
                BinaryPrimitives.WriteDoubleLittleEndian(span[at..], f);
                at += 8;
                break;
            case bool b:
                span[at++] = Bool;
                span[at++] = b ? (byte)1 : (byte)0;
                break;
            case string s:
                span[at++] = Text;
                WriteString(span, ref at, s);
                break;
            case double[] a:
                span[at++] = Numbers;
                BinaryPrimitives.WriteInt32LittleEndian(span[at..], a.Length);
                at += 4;
                foreach (var x in a) { BinaryPrimitives.WriteDoubleLittleEndian(span[at..], x); at += 8; }
                break;
            case float[] a:
                span[at++] = Numbers;
                BinaryPrimitives.WriteInt32LittleEndian(span[at..], a.Length);
                at += 4;
                foreach (var x in a) { BinaryPrimitives.WriteDoubleLittleEndian(span[at..], x); at += 8; }
                break;
            case null:
                span[at++] = Null;
                break;
            default:
                span[at++] = Text;
                WriteString(span, ref at, Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture));
                break;
        }
    }

    private static object? ReadOutput(ReadOnlySpan<byte> body, ref int at)
    {
        switch (body[at++])
        {
            case Number:
                var d = BinaryPrimitives.ReadDoubleLittleEndian(body[at..]);
                at += 8;
                return d;
            case Bool:
                return body[at++] == 1;
            case Text:
                return ReadString(body, ref at);
            case Numbers:
                var n = BinaryPrimitives.ReadInt32LittleEndian(body[at..]);
                at += 4;
                if (n < 0 || n > (body.Length - at) / 8) throw new ArgumentOutOfRangeException(nameof(body), "an array longer than its record");
                var a = new double[n];
                for (var i = 0; i < n; i++) { a[i] = BinaryPrimitives.ReadDoubleLittleEndian(body[at..]); at += 8; }
                return a;
            default:
                return null;
        }
    }

    private static void WriteString(Span<byte> span, ref int at, string? s)
    {
        if (s is null)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], -1);
            at += 4;
            return;
        }
        var n = Encoding.UTF8.GetBytes(s, span[(at + 4)..]);
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], n);
        at += 4 + n;
    }

    private static string? ReadString(ReadOnlySpan<byte> body, ref int at)
    {
        var n = BinaryPrimitives.ReadInt32LittleEndian(body[at..]);
        at += 4;
        if (n < 0) return null;
        var s = Encoding.UTF8.GetString(body.Slice(at, n));
        at += n;
        return s;
    }
}
