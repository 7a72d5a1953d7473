using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using CsCheck;
using Keel.Core.Tests.Fuzzing;

namespace Keel.Server.Tests.Fuzzing;

/// <summary>
/// Mutated request bodies from tests/fuzz-corpus through the real serving pipeline (one in-memory
/// server per property): every answer is 2xx, or 4xx with application/problem+json, never 5xx, and
/// a good request is answered after each.
/// </summary>
public sealed class HttpBodyFuzzTests : IAsyncLifetime
{
    private static readonly string[] JsonTokens =
        ["\"tenure\"", "\"charges\"", "\"contract\"", "\"monthly\"", "null", "true", "1e308", "-0", "[]", "{}", "\"\"", "\"rows\"", "\"dataframe_split\"",
         "\"dataframe_records\"", "\"instances\"", "\"inputs\"", "\"columns\"", "\"data\"", "\\u0000", "\\ud800", "99999999999999999999", "[[", "]]"];

    private ServingWorkspace _ws = null!;

    public async Task InitializeAsync() => _ws = await ServingWorkspace.CreateAsync();

    public Task DisposeAsync()
    {
        _ws.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public Task Predict_MutatedBody_Answers2xxOr4xxProblemAndKeepsServing() =>
        HoldsAsync("predict", "/v1/models/tiny/predict", seedFeedback: false);

    [Fact]
    public Task Invocations_MutatedMlflowBody_Answers2xxOr4xxProblemAndKeepsServing() =>
        HoldsAsync("invocations", "/invocations", seedFeedback: false);

    [Fact]
    public Task Feedback_MutatedBody_Answers2xxOr4xxProblemAndKeepsServing() =>
        HoldsAsync("feedback", "/v1/models/tiny/feedback", seedFeedback: true, "\"request_id\"", "\"row\"", "\"label\"", "\"labels\"", "\"fuzz-seed-one\"", "2147483648", "-1");

    private async Task HoldsAsync(string corpus, string path, bool seedFeedback, params string[] tokens)
    {
        await using var factory = new KeelFactory(_ws.Workspace, new ServingOptions { SegmentRows = 1_000_000 });
        using var client = factory.CreateClient();
        if (seedFeedback)
        {
            // The ids the feedback seeds name: one request of one row, one of two.
            await PredictAsync(client, "fuzz-seed-one", new { tenure = 3.0, charges = 90.0, contract = "monthly" });
            await PredictAsync(client, "fuzz-seed-two", new[] { new { tenure = 3.0, charges = 90.0, contract = "monthly" }, new { tenure = 50.0, charges = 20.0, contract = "yearly" } });
            await Task.Delay(TimeSpan.FromMilliseconds(500)); // logged, so feedback finds them
        }
        ParserProperty.Inputs(corpus, [.. JsonTokens, .. tokens])
            .Sample(body => AnswersClearlyAsync(client, path, body).GetAwaiter().GetResult(), time: ParserProperty.Seconds, threads: 1, print: ParserProperty.Show);
    }

    /// <summary>Posts one body; throws (so CsCheck shrinks it) when the answer breaks the property or the server stops serving.</summary>
    internal static async Task AnswersClearlyAsync(HttpClient client, string path, byte[] body)
    {
        using var timeout = new CancellationTokenSource(ParserProperty.HangLimit);
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await client.PostAsync(path, content, timeout.Token);
        var code = (int)response.StatusCode;
        var type = response.Content.Headers.ContentType?.MediaType;
        if (code is < 200 or >= 500 or (>= 300 and < 400))
            throw new InvalidOperationException($"answered {code}: {await response.Content.ReadAsStringAsync(timeout.Token)}");
        if (code >= 400 && type != "application/problem+json")
            throw new InvalidOperationException($"answered {code} with {type ?? "no content type"}, not application/problem+json");
        using var good = await client.PostAsJsonAsync("/v1/models/tiny/predict", new { tenure = 3.0, charges = 90.0, contract = "monthly" }, timeout.Token);
        if (good.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"after that body a good request was answered {(int)good.StatusCode}: {await good.Content.ReadAsStringAsync(timeout.Token)}");
    }

    private static async Task PredictAsync(HttpClient client, string requestId, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/models/tiny/predict") { Content = JsonContent.Create(body) };
        request.Headers.Add("X-Request-Id", requestId);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
