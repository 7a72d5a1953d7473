using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Keel.Server.Tests.Api;

/// <summary>Bodies a hostile or clumsy client sends: each is refused with problem+json, counted, and the server keeps serving.</summary>
public sealed class HostileInputTests : IAsyncLifetime
{
    private static readonly object OneRow = new { tenure = 3.0, charges = 90.0, contract = "monthly" };

    private ServingWorkspace _ws = null!;

    public async Task InitializeAsync() => _ws = await ServingWorkspace.CreateAsync();

    [Fact]
    public async Task Predict_InvalidUtf8_Answers400ProblemCountedInMetrics()
    {
        // Given bodies whose bytes are not UTF-8: in a value of the flat row, in a field name of a batch
        await using var factory = new KeelFactory(_ws.Workspace, new ServingOptions());
        using var client = factory.CreateClient();
        byte[][] bodies =
        [
            Bytes("""{"tenure": 3.0, "charges": 90.0, "contract": "mon"""u8, [0xff, 0xfe], "thly\"}"u8),
            Bytes("""{"rows": [{"tenure": 3.0, "charges": 90.0, "con"""u8, [0xc3, 0x28], "tract\": \"monthly\"}]}"u8),
        ];

        // When each is posted
        foreach (var body in bodies)
        {
            var response = await client.PostAsync("/v1/models/tiny/predict", Raw(body));

            // Then 400 problem+json naming the problem and where it is
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            var detail = (await Json(response)).GetProperty("errors").GetProperty("body")[0].GetString();
            Assert.Contains("not valid UTF-8", detail, StringComparison.Ordinal);
        }
        await AssertStillServesAsync(client);
        var metrics = await client.GetStringAsync("/metrics");
        Assert.Equal(2, Series(metrics, "keel_requests_total{model=\"tiny\",code=\"400\"}"));
        Assert.Equal(1, Series(metrics, "keel_requests_total{model=\"tiny\",code=\"200\"}"));
    }

    [Fact]
    public async Task Feedback_InvalidUtf8_Answers400Problem()
    {
        await using var factory = new KeelFactory(_ws.Workspace, new ServingOptions());
        using var client = factory.CreateClient();

        var response = await client.PostAsync("/v1/models/tiny/feedback", Raw(Bytes("""{"request_id": "a"""u8, [0xff], "\", \"label\": true}"u8)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains("not valid UTF-8", (await Json(response)).GetProperty("errors").GetProperty("body")[0].GetString(), StringComparison.Ordinal);
        await AssertStillServesAsync(client);
    }

    [Fact]
    public async Task Predict_EveryOutcome_IsCountedInRequestsTotal()
    {
        // Given one request of each outcome: answered, refused (400), unknown model (404), too large (413)
        await using var factory = new KeelFactory(_ws.Workspace, new ServingOptions { MaxBodyBytes = 1024 });
        using var client = factory.CreateClient();
        await client.PostAsJsonAsync("/v1/models/tiny/predict", OneRow);
        await client.PostAsync("/v1/models/tiny/predict", Raw("{\"tenure\": "u8.ToArray()));
        await client.PostAsJsonAsync("/v1/models/nope/predict", OneRow);
        await client.PostAsync("/v1/models/tiny/predict", Raw(Encoding.UTF8.GetBytes(new string(' ', 2000) + "{}")));

        // Then /metrics counts all four
        var metrics = await client.GetStringAsync("/metrics");
        var total = metrics.Split('\n').Where(l => l.StartsWith("keel_requests_total{", StringComparison.Ordinal)).Sum(l => double.Parse(l.Split(' ')[1], CultureInfo.InvariantCulture));
        Assert.Equal(4, total);
        Assert.Equal(1, Series(metrics, "keel_requests_total{model=\"tiny\",code=\"413\"}"));
        Assert.Contains("code=\"404\"", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChunkedBodyOverTheLimit_Answers413ProblemAndLogsOneLineOnKestrel()
    {
        // Given a real Kestrel server on loopback with a 16 KiB body limit, logging into a list
        var lines = new CollectedLog();
        var options = new ServingOptions { Port = 0, MaxBodyBytes = 16 * 1024 };
        var app = await KeelServer.BuildAsync(options, _ws.Workspace, l => l.AddProvider(lines), CancellationToken.None);
        await using (app)
        {
            await app.StartAsync();
            using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

            // When a predict and a feedback body of 20 KiB are sent chunked (no Content-Length)
            foreach (var path in new[] { "/v1/models/tiny/predict", "/v1/models/tiny/feedback" })
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ChunkedContent(Encoding.UTF8.GetBytes("[" + new string(' ', 20 * 1024) + "]")) };
                request.Headers.TransferEncodingChunked = true;
                using var response = await client.SendAsync(request);

                // Then 413 problem+json naming the limit
                Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
                Assert.Contains("16384", (await Json(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
            }
            using var fine = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            await AssertStillServesAsync(fine);
            await app.StopAsync();
        }

        // And each refusal is one log line, with no exception (stack trace) attached
        var entries = lines.Entries.ToList();
        Assert.Equal(2, entries.Count(e => e.Message.Contains("413", StringComparison.Ordinal)));
        Assert.All(entries, e => Assert.Null(e.Exception));
        Assert.All(entries, e => Assert.DoesNotContain("\n", e.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Feedback_MoreLabelsThanTheLimit_Answers413NamingTheLimitBeforeLookingUp()
    {
        // Given a server taking at most 100 labels per feedback request
        await using var factory = new KeelFactory(_ws.Workspace, new ServingOptions { MaxFeedbackLabels = 100 });
        using var client = factory.CreateClient();

        // When 101 labels of unknown ids come, then 100
        var over = await client.PostAsJsonAsync("/v1/models/tiny/feedback", new { labels = Labels(101) });
        var at = await client.PostAsJsonAsync("/v1/models/tiny/feedback", new { labels = Labels(100) });

        // Then the first is 413 naming the limit and the option; the second is looked up (422: unknown, each named once)
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, over.StatusCode);
        Assert.Equal("application/problem+json", over.Content.Headers.ContentType!.MediaType);
        var detail = (await Json(over)).GetProperty("detail").GetString();
        Assert.Contains("101", detail, StringComparison.Ordinal);
        Assert.Contains("100", detail, StringComparison.Ordinal);
        Assert.Contains("--max-feedback-labels", detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, at.StatusCode);
        Assert.Equal(100, (await Json(at)).GetProperty("unknown_request_ids").GetArrayLength());
        await AssertStillServesAsync(client);
    }

    [Fact]
    public async Task Predict_MoreRowsThanTheLimit_Answers413NamingTheLimitInEveryShape()
    {
        await using var factory = new KeelFactory(_ws.Workspace, new ServingOptions { MaxBatchRows = 100 });
        using var client = factory.CreateClient();
        var rows = Enumerable.Repeat(OneRow, 101).ToArray();
        object[] bodies =
        [
            rows,
            new { rows },
            new { dataframe_split = new { columns = new[] { "tenure", "charges", "contract" }, data = Enumerable.Repeat(new object[] { 3.0, 90.0, "monthly" }, 101) } },
            new { inputs = new { tenure = Enumerable.Repeat(3.0, 101), charges = Enumerable.Repeat(90.0, 101), contract = Enumerable.Repeat("monthly", 101) } },
        ];

        foreach (var body in bodies)
        {
            var response = await client.PostAsJsonAsync("/v1/models/tiny/predict", body);

            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
            var detail = (await Json(response)).GetProperty("detail").GetString();
            Assert.Contains("101 rows", detail, StringComparison.Ordinal);
            Assert.Contains("--max-batch-rows", detail, StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1/models/tiny/predict", new { rows = rows[..100] })).StatusCode);
    }

    [Fact]
    public async Task Predict_BatchLargerThanTheCaptureQueue_SaysInTheResponseAndMetricsWhatCaptureDropped()
    {
        // Given a capture queue of 50 rows that is not drained during the test
        await using var factory = new KeelFactory(_ws.Workspace, new ServingOptions { CaptureQueue = 50, CaptureLogInterval = TimeSpan.FromHours(1) });
        using var client = factory.CreateClient();

        // When a batch of 120 rows is predicted
        var response = await client.PostAsJsonAsync("/v1/models/tiny/predict", new { rows = Enumerable.Repeat(OneRow, 120) });

        // Then every row is answered, and the response and /metrics say 70 were not captured, and why
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await Json(response);
        Assert.Equal(120, json.GetProperty("predictions").GetArrayLength());
        Assert.Equal(70, json.GetProperty("capture_dropped").GetInt32());
        Assert.Equal("70", response.Headers.GetValues("X-Keel-Capture-Dropped").Single());
        var metrics = await client.GetStringAsync("/metrics");
        Assert.Equal(70, Series(metrics, "keel_capture_dropped_total{reason=\"queue_full\"}"));

        // And a request whose rows were all captured says nothing of drops
        await KeelServer.DrainCaptureAsync(factory.Services, CancellationToken.None);
        var next = await client.PostAsJsonAsync("/v1/models/tiny/predict", OneRow);
        Assert.False((await Json(next)).TryGetProperty("capture_dropped", out _));
        Assert.False(next.Headers.Contains("X-Keel-Capture-Dropped"));
    }

    private static async Task AssertStillServesAsync(HttpClient client)
    {
        var response = await client.PostAsJsonAsync("/v1/models/tiny/predict", OneRow);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single((await Json(response)).GetProperty("predictions").EnumerateArray());
    }

    private static object[] Labels(int n) => [.. Enumerable.Range(0, n).Select(i => new { request_id = $"unknown-{i}", label = true })];

    private static double Series(string metrics, string name) =>
        metrics.Split('\n').Where(l => l.StartsWith(name + " ", StringComparison.Ordinal)).Select(l => double.Parse(l[(name.Length + 1)..], CultureInfo.InvariantCulture)).SingleOrDefault();

    private static byte[] Bytes(ReadOnlySpan<byte> a, byte[] b, ReadOnlySpan<byte> c) => [.. a, .. b, .. c];

    private static ByteArrayContent Raw(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    public Task DisposeAsync()
    {
        _ws.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>A body sent in pieces with no length, as <c>Transfer-Encoding: chunked</c>.</summary>
    private sealed class ChunkedContent(byte[] bytes) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var at = 0; at < bytes.Length; at += 4096)
                await stream.WriteAsync(bytes.AsMemory(at, Math.Min(4096, bytes.Length - at)));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
