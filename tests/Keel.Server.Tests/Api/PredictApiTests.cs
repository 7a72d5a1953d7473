using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Keel.Server.Tests.Api;

public sealed class PredictApiTests : IAsyncLifetime
{
    private ServingWorkspace _ws = null!;
    private KeelFactory _factory = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _ws = await ServingWorkspace.CreateAsync();
        _factory = new KeelFactory(_ws.Workspace, new ServingOptions { MaxBodyBytes = 64 * 1024, PollInterval = TimeSpan.FromMilliseconds(100) });
        _client = _factory.CreateClient();
    }

    [Fact]
    public async Task Predict_OneRow_ReturnsPredictionsAndARequestId()
    {
        var response = await _client.PostAsJsonAsync("/v1/models/tiny/predict", new { tenure = 3.0, charges = 90.0, contract = "monthly" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await Json(response);
        Assert.Equal(1, json.GetProperty("version").GetInt32());
        Assert.False(string.IsNullOrEmpty(json.GetProperty("request_id").GetString()));
        var p = json.GetProperty("predictions")[0];
        Assert.InRange(p.GetProperty("Probability").GetDouble(), 0, 1);
        Assert.True(p.TryGetProperty("PredictedLabel", out _));
    }

    [Fact]
    public async Task Predict_BatchWhoseAnswerIsLargerThanOnePipeBlock_AnswersEveryRowWithItsLength()
    {
        // 600 rows fit the 64 KiB body limit; the answer (~50 KB) spans many of the response pipe's blocks
        var rows = Enumerable.Range(0, 600).Select(i => new { tenure = i % 70 * 1.0, charges = 20.0 + (i % 90), contract = i % 2 == 0 ? "monthly" : "yearly" }).ToArray();
        var response = await _client.PostAsJsonAsync("/v1/models/tiny/predict", new { rows });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
        var json = JsonDocument.Parse(bytes).RootElement;
        Assert.Equal(600, json.GetProperty("predictions").GetArrayLength());
        Assert.Equal(response.Headers.GetValues("X-Request-Id").Single(), json.GetProperty("request_id").GetString());
    }

    [Fact]
    public async Task Predict_MlflowShapes_AreAcceptedAndAgree()
    {
        var records = await Json(await _client.PostAsJsonAsync("/v1/models/tiny/predict", new { dataframe_records = new[] { new { tenure = 3.0, charges = 90.0, contract = "monthly" }, new { tenure = 60.0, charges = 30.0, contract = "two-year" } } }));
        var split = await Json(await _client.PostAsJsonAsync("/invocations", new { dataframe_split = new { columns = new[] { "tenure", "charges", "contract" }, data = new object[][] { [3.0, 90.0, "monthly"], [60.0, 30.0, "two-year"] } } }));

        Assert.Equal(2, records.GetProperty("predictions").GetArrayLength());
        for (var i = 0; i < 2; i++)
            Assert.Equal(records.GetProperty("predictions")[i].GetProperty("Score").GetDouble(), split.GetProperty("predictions")[i].GetProperty("Score").GetDouble());
    }

    [Fact]
    public async Task Predict_BadFields_Answers400NamingEachField()
    {
        var body = """{"rows": [{"tenure": "long", "contract": "lifetime", "colour": "red"}, {"tenure": 1, "charges": null, "contract": "monthly"}]}""";
        var response = await _client.PostAsync("/v1/models/tiny/predict", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var errors = (await Json(response)).GetProperty("errors");
        Assert.Contains("must be a number", errors.GetProperty("rows[0].tenure")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("required", errors.GetProperty("rows[0].charges")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("never seen in training", errors.GetProperty("rows[0].contract")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("unknown field", errors.GetProperty("rows[0].colour")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("must not be missing", errors.GetProperty("rows[1].charges")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_MalformedOversizedOrUnknown_RefusesAndKeepsServing()
    {
        var malformed = await _client.PostAsync("/v1/models/tiny/predict", new StringContent("{\"tenure\": ", Encoding.UTF8, "application/json"));
        var huge = await _client.PostAsync("/v1/models/tiny/predict", new StringContent(new string(' ', 70_000) + "{}", Encoding.UTF8, "application/json"));
        var unknown = await _client.PostAsJsonAsync("/v1/models/nope/predict", new { tenure = 1 });
        var fine = await _client.PostAsJsonAsync("/v1/models/tiny/predict", new { tenure = 3.0, charges = 90.0, contract = "monthly" });

        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.True((await Json(malformed)).GetProperty("errors").TryGetProperty("body", out _));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.OK, fine.StatusCode);
    }

    [Fact]
    public async Task ModelsHealthMetricsAndFeedback_Answer()
    {
        var predicted = await Json(await _client.PostAsJsonAsync("/v1/models/tiny/predict", new { tenure = 3.0, charges = 90.0, contract = "monthly" }));
        var feedback = await _client.PostAsJsonAsync("/v1/models/tiny/feedback", new { request_id = predicted.GetProperty("request_id").GetString(), label = true });
        var models = await Json(await _client.GetAsync("/v1/models"));
        var health = await _client.GetAsync("/healthz");
        var metrics = await _client.GetStringAsync("/metrics");

        Assert.Equal(HttpStatusCode.Accepted, feedback.StatusCode);
        var stored = await _ws.Workspace.Metadata.Models.FeedbackAsync("tiny", CancellationToken.None);
        Assert.Equal(predicted.GetProperty("request_id").GetString(), Assert.Single(stored).RequestId);
        Assert.Equal("tiny", models.GetProperty("models")[0].GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Contains("keel_predictions_total{model=\"tiny\",version=\"1\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("keel_capture_dropped_total", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Predict_FlatObject_FastPathAgreesWithTheGeneralPathAndFallsBackOnAnythingOdd()
    {
        // Given one row as a flat object (fast path), in another key order, and inside "rows" (general path)
        var flat = await Post("""{"tenure": 12.5, "charges": 70.2, "contract": "monthly"}""");
        var shuffled = await Post("""{"contract": "monthly", "charges": 70.2, "tenure": 12.5}""");
        var rows = await Post("""{"rows": [{"tenure": 12.5, "charges": 70.2, "contract": "monthly"}]}""");

        // When the flat object has an extra field, a missing one, or a value of the wrong type
        var extra = await _client.PostAsync("/v1/models/tiny/predict", Body("""{"tenure": 12.5, "charges": 70.2, "contract": "monthly", "colour": "red"}"""));
        var missing = await _client.PostAsync("/v1/models/tiny/predict", Body("""{"tenure": 12.5, "contract": "monthly"}"""));
        var typed = await _client.PostAsync("/v1/models/tiny/predict", Body("""{"tenure": "long", "charges": 70.2, "contract": "monthly"}"""));

        // Then the three agree, and the odd ones get the general path's errors, naming the field
        var p = flat.GetProperty("predictions")[0].GetProperty("Probability").GetDouble();
        Assert.Equal(p, shuffled.GetProperty("predictions")[0].GetProperty("Probability").GetDouble());
        Assert.Equal(p, rows.GetProperty("predictions")[0].GetProperty("Probability").GetDouble());
        Assert.True((await Json(extra)).GetProperty("errors").TryGetProperty("colour", out _));
        Assert.True((await Json(missing)).GetProperty("errors").TryGetProperty("charges", out _));
        Assert.True((await Json(typed)).GetProperty("errors").TryGetProperty("tenure", out _));
    }

    private async Task<JsonElement> Post(string json)
    {
        var response = await _client.PostAsync("/v1/models/tiny/predict", Body(json));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await Json(response);
    }

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
        _ws.Dispose();
    }
}
