using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Keel.Server.Tests.Api;

public sealed class FeedbackApiTests : IAsyncLifetime
{
    private ServingWorkspace _ws = null!;

    public async Task InitializeAsync() => _ws = await ServingWorkspace.CreateAsync();

    [Fact]
    public async Task Feedback_KnownRequestIds_AreStoredWithTheVersionAndDeployment()
    {
        // Given two answered requests, one of two rows
        await using var factory = new KeelFactory(_ws.Workspace, new ServingOptions());
        using var client = factory.CreateClient();
        var one = await PredictAsync(client, 1);
        var two = await PredictAsync(client, 2);

        // When labels name both (the second's row 1), sent right after the answers
        var response = await client.PostAsJsonAsync("/v1/models/tiny/feedback", new { labels = new object[] { new { request_id = one, label = true }, new { request_id = two, row = 1, label = false } } });

        // Then both are stored, each linked to tiny@1 and the deploy that put it in service
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(2, (await Json(response)).GetProperty("accepted").GetInt32());
        var deploy = (await _ws.Workspace.Metadata.Models.DeploymentsAsync("tiny", CancellationToken.None)).Single();
        var stored = await _ws.Workspace.Metadata.Models.FeedbackAsync("tiny", CancellationToken.None);
        Assert.Equal([(one, 0, "true"), (two, 1, "false")], stored.Select(s => (s.RequestId, s.Row, s.Label)));
        Assert.All(stored, s => Assert.Equal(1, s.Version));
        Assert.All(stored, s => Assert.Equal(deploy.NodeId, s.DeploymentNode));
    }

    [Fact]
    public async Task Feedback_SomeUnknownIds_RefusesTheWholeBatchNamingThemAndStoresNothing()
    {
        await using var factory = new KeelFactory(_ws.Workspace, new ServingOptions());
        using var client = factory.CreateClient();
        var known = await PredictAsync(client, 1);

        var response = await client.PostAsJsonAsync("/v1/models/tiny/feedback", new
        {
            labels = new object[] { new { request_id = known, label = true }, new { request_id = "never-answered", label = true }, new { request_id = known, row = 3, label = true } },
        });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        var problem = await Json(response);
        Assert.Equal(["never-answered"], problem.GetProperty("unknown_request_ids").EnumerateArray().Select(e => e.GetString()));
        var errors = problem.GetProperty("errors");
        Assert.Contains("never-answered", errors.GetProperty("labels[1].request_id")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("1 row", errors.GetProperty("labels[2].row")[0].GetString(), StringComparison.Ordinal);
        Assert.False(errors.TryGetProperty("labels[0].request_id", out _));
        Assert.Empty(await _ws.Workspace.Metadata.Models.FeedbackAsync("tiny", CancellationToken.None));
    }

    [Fact]
    public async Task Feedback_IdOfAnotherModelOrOfAStoredSegment_IsCheckedPerModel()
    {
        // Given a request answered and sealed into a segment, then a fresh server (nothing in memory)
        string id;
        await using (var first = new KeelFactory(_ws.Workspace, new ServingOptions()))
        {
            using var client = first.CreateClient();
            id = await PredictAsync(client, 1);
            await KeelServer.DrainCaptureAsync(first.Services, CancellationToken.None);
        }
        var options = new ServingOptions();
        options.Models.Add("tiny@1");
        await using var second = new KeelFactory(_ws.Workspace, options);
        using var again = second.CreateClient();

        // When its label is sent to the new server, and to a model that did not answer it
        var accepted = await again.PostAsJsonAsync("/v1/models/tiny/feedback", new { request_id = id, label = 1 });
        var wrongModel = await again.PostAsJsonAsync("/v1/models/nope/feedback", new { request_id = id, label = 1 });

        // Then the segment vouches for it; an unknown model is a 404
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal(1, Assert.Single(await _ws.Workspace.Metadata.Models.FeedbackAsync("tiny", CancellationToken.None)).Version);
        Assert.Equal(HttpStatusCode.NotFound, wrongModel.StatusCode);
    }

    [Fact]
    public async Task Feedback_WithCaptureOff_IsRefusedWithAReason()
    {
        await using var factory = new KeelFactory(_ws.Workspace, new ServingOptions { Capture = false });
        using var client = factory.CreateClient();
        var id = await PredictAsync(client, 1);

        var response = await client.PostAsJsonAsync("/v1/models/tiny/feedback", new { request_id = id, label = true });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("--no-capture", (await Json(response)).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Feedback_MalformedItems_NameEachField()
    {
        await using var factory = new KeelFactory(_ws.Workspace, new ServingOptions());
        using var client = factory.CreateClient();

        var response = await client.PostAsJsonAsync("/v1/models/tiny/feedback", new { labels = new object[] { new { label = true }, new { request_id = "x", row = -1 } } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await Json(response)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("labels[0].request_id", out _));
        Assert.True(errors.TryGetProperty("labels[1].row", out _));
        Assert.True(errors.TryGetProperty("labels[1].label", out _));
    }

    private static async Task<string> PredictAsync(HttpClient client, int rows)
    {
        var body = new { rows = Enumerable.Range(0, rows).Select(i => new { tenure = 5.0 + i, charges = 60.0, contract = "monthly" }).ToArray() };
        var response = await client.PostAsJsonAsync("/v1/models/tiny/predict", body);
        response.EnsureSuccessStatusCode();
        return (await Json(response)).GetProperty("request_id").GetString()!;
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    public Task DisposeAsync()
    {
        _ws.Dispose();
        return Task.CompletedTask;
    }
}
