using Keel.Registry;
using Keel.Server.Capture;
using Parquet;

namespace Keel.Server.Tests.Capture;

public sealed class CaptureColumnsTests : IDisposable
{
    private static readonly CaptureLogHeader Header = new("m", 1, 5, 7,
        [("x", FieldType.Number), ("ok", FieldType.Boolean), ("plan", FieldType.Text)], ["Label", "Score", "Scores", "Class"]);

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "keel-columns-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Segment_FromColumnsAndFromTheLogReadBack_AreTheSameBytes()
    {
        // Given a log holding every kind of value a row can carry: missing numbers, null booleans
        // and text, floats, arrays, text outputs, flags, and ids in the server's form or a client's
        var server = RequestId.New(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000)).ToString();
        string path;
        byte[] live;
        using (var log = CaptureLog.Create(_dir, Header, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000)))
        {
            log.Append(server, 0, 1_700_000_000_000, null, [1.5, true, "basic"], [true, 0.25, new[] { 1.0, 2.0 }, "a"]);
            log.Append(server, 1, 1_700_000_000_000, null, [double.NaN, null, null], [false, 1.5f, new[] { 3f, 4f }, null]);
            log.Append("client-id-7", 0, 1_700_000_000_001, "plan: new", [-2.0, false, "gold"], [null, null, null, 42]);
            log.Append("0196C7D2E4C47B2A9F3C1D5E6A7B8C9D", 0, 1_700_000_000_002, null, [0.0, true, ""], [true, double.NaN, Array.Empty<double>(), "b"]);
            log.Flush();
            path = log.Path;
            live = await WriteAsync(log.Columns);
        }

        // When the same log is read back from disk, as recovery does
        byte[] recovered;
        using (var read = new FileStream(path, FileMode.Open, FileAccess.Read))
        {
            var (header, rows, torn) = CaptureLog.Read(read);
            Assert.False(torn);
            recovered = await WriteAsync(CaptureLog.ToColumns(header, rows));
        }

        // Then both segments are byte for byte the same, and read back as written
        Assert.Equal(live, recovered);
        await using var reader = await ParquetReader.CreateAsync(new MemoryStream(live));
        using var group = reader.OpenRowGroupReader(0);
        var ids = new string?[4];
        await group.ReadAsync(reader.Schema.DataFields.Single(f => f.Name == "request_id"), ids.AsMemory());
        Assert.Equal(new string?[] { server, server, "client-id-7", "0196C7D2E4C47B2A9F3C1D5E6A7B8C9D" }, ids.AsEnumerable());
        var scores = new string?[4];
        await group.ReadAsync(reader.Schema.DataFields.Single(f => f.Name == "output.Scores"), scores.AsMemory());
        Assert.Equal(new string?[] { "[1,2]", "[3,4]", null, "[]" }, scores.AsEnumerable());
        var classes = new string?[4];
        await group.ReadAsync(reader.Schema.DataFields.Single(f => f.Name == "output.Class"), classes.AsMemory());
        Assert.Equal(new string?[] { "a", null, "42", "b" }, classes.AsEnumerable());
    }

    [Fact]
    public void TryFind_IdsInEitherForm_CountsTheRowsOfEachRequest()
    {
        var columns = new CaptureColumns(Header, 2);
        var server = RequestId.New(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        object?[] inputs = [1.0, true, "basic"];
        object?[] outputs = [true, 0.5, null, null];
        columns.Add(server, 0, 1, null, inputs, outputs);
        columns.Add(RequestId.Parse("mine"), 0, 1, null, inputs, outputs);
        Assert.True(columns.TryFind(RequestId.Parse(server.ToString()), out var rows));
        Assert.Equal(1, rows);

        // Rows added after the first look are found too (the index catches up), beyond the first capacity
        columns.Add(server, 2, 1, null, inputs, outputs);
        columns.Add(RequestId.Parse("mine"), 1, 1, null, inputs, outputs);
        Assert.True(columns.TryFind(RequestId.Parse(server.ToString()), out rows));
        Assert.Equal(3, rows);
        Assert.True(columns.TryFind(RequestId.Parse("mine"), out rows));
        Assert.Equal(2, rows);
        Assert.False(columns.TryFind(RequestId.Parse(server.ToString().ToUpperInvariant()), out _));

        // A batch the log could not write is forgotten, and a cleared set finds nothing
        columns.Truncate(2);
        Assert.True(columns.TryFind(RequestId.Parse(server.ToString()), out rows));
        Assert.Equal(1, rows);
        columns.Clear();
        Assert.False(columns.TryFind(RequestId.Parse("mine"), out _));
    }

    [Fact]
    public void RequestId_ParseThenToString_GivesTheTextBack()
    {
        var server = RequestId.New(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        var text = server.ToString();
        Assert.Equal(32, text.Length);
        Assert.Null(RequestId.Parse(text).Text);
        Assert.Equal(server, RequestId.Parse(text));
        foreach (var given in new[] { "abc", text.ToUpperInvariant(), "é-ünïcode", text[..31] + "g" })
        {
            var id = RequestId.Parse(given);
            Assert.Equal(given, id.ToString());
            var utf8 = new byte[id.Utf8Length];
            Assert.Equal(utf8.Length, id.WriteUtf8(utf8));
            Assert.Equal(given, System.Text.Encoding.UTF8.GetString(utf8));
        }
    }

    private static async Task<byte[]> WriteAsync(CaptureColumns columns)
    {
        using var stream = new MemoryStream();
        await SegmentWriter.WriteAsync(Header, columns, stream, CancellationToken.None);
        return stream.ToArray();
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }
}
