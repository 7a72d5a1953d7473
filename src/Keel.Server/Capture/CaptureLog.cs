using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Keel.Registry;

namespace Keel.Server.Capture;

/// <summary>
/// The append-only log of one served version's captured rows, under <c>.keel/capture/</c>: a
/// header line (<see cref="CaptureLogHeader"/>), then one JSON line per row. Rows are appended
/// in batches by the capture writer; once <see cref="Flush"/> returns they are in the kernel's
/// hands and survive the server being killed. The open file holds a shared lock, so another
/// server recovering leftover logs skips it.
/// </summary>
internal sealed class CaptureLog : IDisposable
{
    public const string Extension = ".log";

    private readonly FileStream _file;
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly Utf8JsonWriter _json;

    private CaptureLog(string path, FileStream file, CaptureLogHeader header, DateTimeOffset openedAt)
    {
        Path = path;
        _file = file;
        Header = header;
        OpenedAt = openedAt;
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
    }

    public string Path { get; }

    public CaptureLogHeader Header { get; }

    public DateTimeOffset OpenedAt { get; }

    /// <summary>Rows appended so far (flushed or not).</summary>
    public int Rows { get; private set; }

    /// <summary>Request ids in this log with the number of rows each predicted, for checking feedback.</summary>
    public Dictionary<string, int> Requests { get; } = new(StringComparer.Ordinal);

    public static CaptureLog Create(string directory, CaptureLogHeader header, DateTimeOffset now)
    {
        Directory.CreateDirectory(directory);
        var name = string.Create(CultureInfo.InvariantCulture, $"{header.Model}@{header.Version}.{now.ToUnixTimeMilliseconds()}.{Environment.ProcessId}.{Guid.NewGuid():N}{Extension}");
        var path = System.IO.Path.Combine(directory, name);
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);
        var log = new CaptureLog(path, file, header, now);
        log.WriteHeader();
        log.Flush();
        return log;
    }

    public void Append(CapturedPrediction row)
    {
        var w = _json;
        w.WriteStartObject();
        w.WriteString("id"u8, row.RequestId);
        w.WriteNumber("row"u8, row.Row);
        w.WriteNumber("t"u8, row.Time.ToUnixTimeMilliseconds());
        if (row.Flags is not null) w.WriteString("flags"u8, row.Flags);
        w.WriteStartArray("in"u8);
        foreach (var v in row.Inputs) WriteValue(w, v);
        w.WriteEndArray();
        w.WriteStartArray("out"u8);
        foreach (var v in row.Outputs) WriteValue(w, v);
        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
        w.Reset();
        _buffer.Write("\n"u8);
        Rows++;
        Requests[row.RequestId] = Math.Max(Requests.GetValueOrDefault(row.RequestId), row.Row + 1);
    }

    /// <summary>Hands the appended rows to the kernel (one write call): from here they survive a kill of this process.</summary>
    public void Flush()
    {
        if (_buffer.WrittenCount == 0) return;
        _file.Write(_buffer.WrittenSpan);
        _buffer.ResetWrittenCount();
    }

    /// <summary>Reads the whole log back through a second handle, while this one keeps the lock.</summary>
    public (CaptureLogHeader Header, List<LoggedRow> Rows, bool Torn) ReadBack()
    {
        Flush();
        using var read = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return Read(read);
    }

    public void Dispose()
    {
        _json.Dispose();
        _file.Dispose();
    }

    private void WriteHeader()
    {
        var w = _json;
        w.WriteStartObject();
        w.WriteString("format", CaptureLogHeader.Format);
        w.WriteString("model", Header.Model);
        w.WriteNumber("version", Header.Version);
        w.WriteNumber("model_node", Header.ModelNode);
        if (Header.DeploymentNode is { } d) w.WriteNumber("deployment_node", d);
        w.WriteStartArray("inputs");
        foreach (var (name, type) in Header.Inputs)
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteString("type", type.ToString().ToLowerInvariant());
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("outputs");
        foreach (var o in Header.Outputs) w.WriteStringValue(o);
        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
        w.Reset();
        _buffer.Write("\n"u8);
    }

    private static void WriteValue(Utf8JsonWriter w, object? v)
    {
        switch (v)
        {
            case double d when double.IsFinite(d): w.WriteNumberValue(d); break;
            case float f when float.IsFinite(f): w.WriteNumberValue(f); break;
            case bool b: w.WriteBooleanValue(b); break;
            case string s: w.WriteStringValue(s); break;
            case double[] a:
                w.WriteStartArray();
                foreach (var x in a) WriteValue(w, x);
                w.WriteEndArray();
                break;
            case float[] a:
                w.WriteStartArray();
                foreach (var x in a) WriteValue(w, x);
                w.WriteEndArray();
                break;
            case null or double or float: w.WriteNullValue(); break;
            default: w.WriteStringValue(Convert.ToString(v, CultureInfo.InvariantCulture)); break;
        }
    }

    /// <summary>
    /// Parses a log: the header, then every complete row. A last line cut short by a kill (no
    /// newline, or not valid JSON) ends the log and is reported as torn; it was never flushed whole.
    /// </summary>
    public static (CaptureLogHeader Header, List<LoggedRow> Rows, bool Torn) Read(Stream stream)
    {
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        var bytes = ms.GetBuffer().AsSpan(0, (int)ms.Length);
        var end = bytes.IndexOf((byte)'\n');
        if (end < 0) throw new InvalidDataException("the capture log has no complete header line");
        var header = ParseHeader(bytes[..end]);
        var rows = new List<LoggedRow>();
        var rest = bytes[(end + 1)..];
        var torn = false;
        while (rest.Length > 0)
        {
            var nl = rest.IndexOf((byte)'\n');
            if (nl < 0) { torn = true; break; }
            if (!TryParseRow(rest[..nl], header, out var row)) { torn = true; break; }
            rows.Add(row);
            rest = rest[(nl + 1)..];
        }
        return (header, rows, torn);
    }

    private static CaptureLogHeader ParseHeader(ReadOnlySpan<byte> line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line.ToArray());
            var root = doc.RootElement;
            if (root.GetProperty("format").GetString() != CaptureLogHeader.Format) throw new InvalidDataException($"not a {CaptureLogHeader.Format} file");
            var inputs = root.GetProperty("inputs").EnumerateArray()
                .Select(i => (i.GetProperty("name").GetString()!, Enum.Parse<FieldType>(i.GetProperty("type").GetString()!, ignoreCase: true))).ToList();
            var outputs = root.GetProperty("outputs").EnumerateArray().Select(o => o.GetString()!).ToList();
            return new CaptureLogHeader(root.GetProperty("model").GetString()!, root.GetProperty("version").GetInt32(), root.GetProperty("model_node").GetInt64(),
                root.TryGetProperty("deployment_node", out var d) ? d.GetInt64() : null, inputs, outputs);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException)
        {
            throw new InvalidDataException($"the capture log header is damaged: {e.Message}", e);
        }
    }

    private static bool TryParseRow(ReadOnlySpan<byte> line, CaptureLogHeader header, out LoggedRow row)
    {
        row = null!;
        try
        {
            using var doc = JsonDocument.Parse(line.ToArray());
            var r = doc.RootElement;
            var inputs = new object?[header.Inputs.Count];
            var i = 0;
            foreach (var v in r.GetProperty("in").EnumerateArray())
            {
                if (i == inputs.Length) return false;
                inputs[i] = header.Inputs[i].Type switch
                {
                    FieldType.Number => v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN,
                    FieldType.Boolean => v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null,
                    _ => v.ValueKind == JsonValueKind.String ? v.GetString() : null,
                };
                i++;
            }
            if (i != inputs.Length) return false;
            var outputs = r.GetProperty("out").EnumerateArray().Select(Output).ToArray();
            if (outputs.Length != header.Outputs.Count) return false;
            row = new LoggedRow(r.GetProperty("id").GetString()!, r.GetProperty("row").GetInt32(), r.GetProperty("t").GetInt64(),
                r.TryGetProperty("flags", out var f) ? f.GetString() : null, inputs, outputs);
            return true;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return false;
        }
    }

    private static object? Output(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.Number => v.GetDouble(),
        JsonValueKind.True or JsonValueKind.False => v.GetBoolean(),
        JsonValueKind.String => v.GetString(),
        JsonValueKind.Array => v.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Number ? x.GetDouble() : double.NaN).ToArray(),
        _ => null,
    };
}
