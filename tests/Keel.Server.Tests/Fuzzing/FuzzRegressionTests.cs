using System.Net;
using System.Text;
using Keel.Core.Tests.Fuzzing;

namespace Keel.Server.Tests.Fuzzing;

/// <summary>Inputs the server's fuzz properties found, shrunk, kept so each defect stays fixed.</summary>
public sealed class FuzzRegressionTests
{
    [Fact]
    public void SegmentReader_FooterWithAByteInserted_RefusesWithKeelException()
    {
        // Found by SegmentReader_MutatedSegment_ReadsOrRefusesClearly: one byte inserted in the
        // footer made Parquet.Net throw its ThriftProtocolException, which reached keel monitor as
        // an internal error. Every such insertion must read or be refused as not readable.
        var seed = ParserProperty.LoadCorpus("capture-segment")[0];
        for (var at = seed.Length - 600; at < seed.Length - 8; at++)
        {
            byte[] input = [.. seed.AsSpan(0, at), 0x0F, .. seed.AsSpan(at)];
            ParserProperty.AcceptsOrRefusesClearly(CaptureReaderFuzzTests.ReadSegment, input);
        }
    }

    [Fact]
    public void SegmentReader_FirstPageMarkedAsIndexPage_RefusesWithASentence()
    {
        // Found by the same property: a page header whose type was changed to INDEX_PAGE (byte 5,
        // the first page's type, zigzag 1) made Parquet.Net throw "can't read page type
        // INDEX_PAGE" from the row group, outside the reader's catch; its words, passed on, read
        // like a raw resource key.
        var seed = ParserProperty.LoadCorpus("capture-segment")[0];
        Assert.Equal(0x00, seed[5]);
        var input = seed.ToArray();
        input[5] = 0x02;

        var e = Assert.Throws<KeelException>(() => CaptureReaderFuzzTests.ReadSegment(input));
        Assert.StartsWith("predictions:tiny@1:1700000000000 is not a readable Parquet segment: it is damaged", e.Message, StringComparison.Ordinal);
        ParserProperty.AcceptsOrRefusesClearly(CaptureReaderFuzzTests.ReadSegment, input);
    }

    [Fact]
    public void CaptureLogRecovery_HeaderNamesMoreOutputsThanTheRecordsHold_SetsAsideOrReads()
    {
        // Found by CaptureLogRecovery_MutatedLog_RecoversOrSetsAsideAsDamaged: a header naming an
        // output the records do not hold made the record reader index past the record's body;
        // the IndexOutOfRangeException escaped recovery's damaged-log handling, so the log would
        // have been retried (and failed) at every start. Now the records do not fit: not read as rows.
        var seed = ParserProperty.LoadCorpus("capture-log")[0];
        var text = System.Text.Encoding.Latin1.GetString(seed);
        var input = System.Text.Encoding.Latin1.GetBytes(text.Replace("\"outputs\":[\"PredictedLabel\",", "\"outputs\":[\"PredictedLabel\",\"abel\",", StringComparison.Ordinal));
        Assert.NotEqual(seed.Length, input.Length);

        ParserProperty.AcceptsOrRefusesClearly<InvalidDataException>(CaptureReaderFuzzTests.Recover, input);
        var (_, rows, torn) = Keel.Server.Capture.CaptureLog.Read(new MemoryStream(input));
        Assert.Empty(rows);
        Assert.True(torn);
    }

    [Fact]
    public void CaptureLogRecovery_HeaderVersionOutOfIntRange_SetAsideAsDamaged()
    {
        // Found by CaptureLogRecovery_MutatedLog_RecoversOrSetsAsideAsDamaged (seed artc4JkWytq4):
        // a header whose version read 31e999 made JsonElement.GetInt32 throw FormatException,
        // which escaped the header's damaged-log handling.
        var seed = ParserProperty.LoadCorpus("capture-log")[0];
        var text = System.Text.Encoding.Latin1.GetString(seed);
        var version = System.Text.RegularExpressions.Regex.Match(text, "\"version\":[0-9]+").Value;
        Assert.NotEmpty(version);
        var input = System.Text.Encoding.Latin1.GetBytes(text.Replace(version, "\"version\":31e999", StringComparison.Ordinal));

        var e = Assert.Throws<InvalidDataException>(() => Keel.Server.Capture.CaptureLog.Read(new MemoryStream(input)));
        Assert.StartsWith("the capture log header is damaged", e.Message, StringComparison.Ordinal);
        ParserProperty.AcceptsOrRefusesClearly<InvalidDataException>(CaptureReaderFuzzTests.Recover, input);
    }

    [Fact]
    public async Task Predict_FieldNameWithAnEscapedLoneSurrogate_Answers400Problem()
    {
        // Found by Invocations_MutatedMlflowBody_Answers2xxOr4xxProblemAndKeepsServing: a field name
        // "\ud800..." (a lone surrogate, escaped) made the one-row fast path throw
        // InvalidOperationException, answered 500.
        using var ws = await ServingWorkspace.CreateAsync();
        await using var factory = new KeelFactory(ws.Workspace, new ServingOptions());
        using var client = factory.CreateClient();
        foreach (var path in new[] { "/invocations", "/v1/models/tiny/predict" })
        {
            var body = """{"\ud800tenure": 3.0, "charges": 90.0, "contract": "monthly"}""";
            using var response = await client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            await HttpBodyFuzzTests.AnswersClearlyAsync(client, path, Encoding.UTF8.GetBytes(body));
        }
    }

    [Fact]
    public void CaptureLogRecovery_ArrayOutputWithNaNOrInfinity_BecomesASegment()
    {
        // Found by CaptureLogRecovery_MutatedLog_RecoversOrSetsAsideAsDamaged: an array output
        // holding NaN or Infinity (which a model can also produce) made the segment writer throw
        // ArgumentException (JSON has no such numbers), so the log could never be sealed: retried
        // every second and at every start.
        var header = new Keel.Server.Capture.CaptureLogHeader("typed", 3, 11, null, [("score", Keel.Registry.FieldType.Number)], ["Probabilities"]);
        var dir = Path.Combine(Path.GetTempPath(), "keel-nan-" + Guid.NewGuid().ToString("N"));
        try
        {
            byte[] bytes;
            using (var log = Keel.Server.Capture.CaptureLog.Create(dir, header, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000)))
            {
                log.Append("a", 0, 1_700_000_000_000, null, [0.5], [new[] { double.NaN, double.PositiveInfinity, 0.25 }]);
                log.Flush();
                bytes = File.ReadAllBytes(log.Path);
            }

            CaptureReaderFuzzTests.Recover(bytes);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
