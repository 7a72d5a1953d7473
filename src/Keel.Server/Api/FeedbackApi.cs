using System.Text.Json;
using Keel.Registry;
using Keel.Server.Hosting;
using Keel.Workspaces;
using Microsoft.AspNetCore.Http;

namespace Keel.Server.Api;

/// <summary>
/// <c>POST /v1/models/{name}/feedback</c>: ground-truth labels by request id, one
/// <c>{"request_id", "row" (default 0), "label"}</c> or <c>{"labels": [...]}</c>.
/// </summary>
internal static class FeedbackApi
{
    public static async Task<IResult> HandleAsync(string name, HttpContext http, ModelHost host, ServingOptions options, Workspace workspace, MetadataGate gate, ServingMetrics metrics)
    {
        if (!host.TryGet(name, out _)) return Results.Problem(statusCode: 404, title: "unknown model", detail: $"no model '{name}' is served here");
        var body = await ServingApi.ReadBodyAsync(http, options.MaxBodyBytes).ConfigureAwait(false);
        if (body is null) return Results.Problem(statusCode: 413, title: "request body too large");
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var labels = new List<FeedbackLabel>();
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            var items = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("labels", out var l) && l.ValueKind == JsonValueKind.Array
                ? l.EnumerateArray().ToList() : root.ValueKind == JsonValueKind.Array ? root.EnumerateArray().ToList() : [root];
            var now = workspace.Time.GetUtcNow();
            for (var i = 0; i < items.Count; i++)
            {
                var item = items[i];
                var at = items.Count == 1 ? "" : $"labels[{i}].";
                if (item.ValueKind != JsonValueKind.Object) { errors[$"labels[{i}]"] = ["must be an object"]; continue; }
                if (!item.TryGetProperty("request_id", out var id) || id.ValueKind != JsonValueKind.String || id.GetString()!.Length == 0)
                    errors[at + "request_id"] = ["required: the request_id a prediction response returned"];
                if (!item.TryGetProperty("label", out var label) || label.ValueKind is JsonValueKind.Null or JsonValueKind.Object or JsonValueKind.Array)
                    errors[at + "label"] = ["required: the true value (number, string or boolean)"];
                var row = item.TryGetProperty("row", out var r) && r.ValueKind == JsonValueKind.Number && r.TryGetInt32(out var n) ? n : 0;
                if (errors.Count == 0)
                    labels.Add(new FeedbackLabel(id.GetString()!, row, name, label.ValueKind == JsonValueKind.String ? label.GetString()! : label.GetRawText(), now));
            }
        }
        catch (JsonException e)
        {
            errors["body"] = [$"malformed JSON: {e.Message}"];
        }
        if (errors.Count > 0) return Results.ValidationProblem(errors, title: "invalid feedback");
        await gate.RunAsync(async () => { await workspace.Metadata.Models.AddFeedbackAsync(labels, http.RequestAborted).ConfigureAwait(false); return 0; }, http.RequestAborted).ConfigureAwait(false);
        metrics.Feedback.Inc(labels.Count);
        return Results.Json(new { accepted = labels.Count }, statusCode: 202);
    }
}
