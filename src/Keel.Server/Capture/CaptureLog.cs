using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Keel.Registry;

namespace Keel.Server.Capture;

/// <summary>
/// The append-only log of one served version's captured rows, under <c>.keel/capture/</c>: a
/// JSON header line (<see cref="CaptureLogHeader"/>), then one length-prefixed binary record per
/// row (<see cref="CaptureRecord"/>: cheap to write and to read back at tens of thousands of rows
/// a second, where JSON text cost more than the Parquet). Rows are appended
/// in batches by the capture writer, and kept by column in memory too (<see cref="Columns"/>), so the
/// segment is written without reading the log back; once <see cref="Flush"/> returns they are in the kernel's
/// hands and survive the server being killed. The open file holds a shared lock, so another
/// server recovering leftover logs skips it.
/// </summary>
internal sealed class CaptureLog : IDisposable
{
    public const string Extension = ".log";

    private readonly FileStream _file;
    private readonly ArrayBufferWriter<byte> _buffer;
    private int _unflushed;

    private CaptureLog(string path, FileStream file, CaptureLogHeader header, DateTimeOffset openedAt, CaptureColumns columns, ArrayBufferWriter<byte> buffer)
    {
        _buffer = buffer;
        Path = path;
        _file = file;
        Header = header;
        OpenedAt = openedAt;
        Columns = columns;
    }

    public string Path { get; }

    public CaptureLogHeader Header { get; }

    public DateTimeOffset OpenedAt { get; }

    /// <summary>Rows appended so far (flushed or not).</summary>
    public int Rows => Columns.Count;

    /// <summary>The rows by column, as the log holds them: the segment is written from these, and feedback finds request ids in them.</summary>
    public CaptureColumns Columns { get; }

    /// <summary>The buffer rows wait in until <see cref="Flush"/>, empty once it returns: reusable by the next log when this one is done.</summary>
    public ArrayBufferWriter<byte> WriteBuffer => _buffer;

    /// <summary>
    /// Creates the log file with its header; <paramref name="columns"/> (empty, fitting the header)
    /// will hold its rows and <paramref name="buffer"/> (empty) its unflushed records: both reused
    /// from a log sealed earlier, so opening a log every few seconds allocates no large arrays.
    /// </summary>
    public static CaptureLog Create(string directory, CaptureLogHeader header, DateTimeOffset now, CaptureColumns? columns = null, ArrayBufferWriter<byte>? buffer = null)
    {
        Directory.CreateDirectory(directory);
        var name = string.Create(CultureInfo.InvariantCulture, $"{header.Model}@{header.Version}.{now.ToUnixTimeMilliseconds()}.{Environment.ProcessId}.{Guid.NewGuid():N}{Extension}");
        var path = System.IO.Path.Combine(directory, name);
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);
        var log = new CaptureLog(path, file, header, now, columns ?? new CaptureColumns(header, 1024), buffer ?? new ArrayBufferWriter<byte>(64 * 1024));
        try
        {
            log.WriteHeader();
            log.Flush();
        }
        catch (IOException)
        {
            // A full disk: leave no headerless log behind (the next start would set it aside as damaged).
            log._buffer.ResetWrittenCount();
            file.Dispose();
            File.Delete(path);
            throw;
        }
        return log;
    }

    /// <summary>Appends a captured row; <paramref name="categories"/> per input are the training strings a captured category is kept as.</summary>
    public void Append(CapturedPrediction row, HashSet<string>?[]? categories = null)
    {
        CaptureRecord.Write(_buffer, Header, row.RequestId, row.Row, row.TimeMs, row.Flags, row.Inputs, row.Outputs);
        Columns.Add(row.RequestId, row.Row, row.TimeMs, row.Flags, row.Inputs, row.Outputs, categories);
        _unflushed++;
    }

    public void Append(string requestId, int row, long timeMs, string? flags, object?[] inputs, object?[] outputs)
    {
        var id = RequestId.Parse(requestId);
        CaptureRecord.Write(_buffer, Header, id, row, timeMs, flags, inputs, outputs);
        Columns.Add(id, row, timeMs, flags, inputs, outputs);
        _unflushed++;
    }

    /// <summary>Hands the appended rows to the kernel (one write call): from here they survive a kill of this process.</summary>
    public void Flush()
    {
        if (_buffer.WrittenCount == 0) return;
        var end = _file.Position;
        try
        {
            _file.Write(_buffer.WrittenSpan);
        }
        catch (IOException)
        {
            // A write that fails midway (a full disk) may have left part of the batch in the file:
            // cut it off, so the log holds exactly the rows kept in memory and counted as logged.
            try
            {
                _file.SetLength(end);
            }
            catch (IOException)
            {
                // Then recovery reads what whole records are there; the caller counts the batch as dropped.
            }
            throw;
        }
        _buffer.ResetWrittenCount();
        _unflushed = 0;
    }

    /// <summary>Drops the rows appended since the last flush (after a failed write) and says how many, so memory stays bounded.</summary>
    public int Discard()
    {
        var lost = _unflushed;
        _buffer.ResetWrittenCount();
        Columns.Truncate(Columns.Count - lost);
        _unflushed = 0;
        return lost;
    }

    public void Dispose() => _file.Dispose();

    private void WriteHeader()
    {
        using var w = new Utf8JsonWriter(_buffer);
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
        _buffer.Write("\n"u8);
    }

    /// <summary>
    /// Parses a log: the header, then every complete record. A last record cut short by a kill
    /// ends the log and is reported as torn; it was never written whole.
    /// </summary>
    public static (CaptureLogHeader Header, List<LoggedRow> Rows, bool Torn) Read(Stream stream)
    {
        using var ms = new MemoryStream();
        stream.CopyTo(ms);
        ReadOnlySpan<byte> bytes = ms.GetBuffer().AsSpan(0, (int)ms.Length);
        var end = bytes.IndexOf((byte)'\n');
        if (end < 0) throw new InvalidDataException("the capture log has no complete header line");
        var header = ParseHeader(bytes[..end]);
        var rows = new List<LoggedRow>();
        var rest = bytes[(end + 1)..];
        var torn = false;
        while (rest.Length > 0)
        {
            if (!CaptureRecord.TryRead(ref rest, header, out var row)) { torn = true; break; }
            rows.Add(row);
        }
        return (header, rows, torn);
    }

    /// <summary>Rows read back from a log, by column (for a log left by a stopped server).</summary>
    public static CaptureColumns ToColumns(CaptureLogHeader header, List<LoggedRow> rows)
    {
        var columns = new CaptureColumns(header, rows.Count);
        foreach (var r in rows) columns.Add(RequestId.Parse(r.RequestId), r.Row, r.TimeMs, r.Flags, r.Inputs, r.Outputs);
        return columns;
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
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or ArgumentException or FormatException)
        {
            throw new InvalidDataException($"the capture log header is damaged: {e.Message}", e);
        }
    }
}
