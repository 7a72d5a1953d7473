using System.Text.Json;
using Keel.Registry;
using Keel.Server.Capture;
using Keel.Server.Hosting;
using Keel.Workspaces;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Keel.Server.Api;

/// <summary>
/// <c>POST /v1/models/{name}/feedback</c>: ground-truth labels by request id, one
/// <c>{"request_id", "row" (default 0), "label"}</c> or <c>{"labels": [...]}</c>. Every request id
/// must be one this model answered and this workspace captured; a batch naming any unknown id
/// (or a row the request did not have) is refused whole with 422, and nothing is stored. Each
/// label is stored with the version that made the prediction and that version's deployment.
/// At most <see cref="ServingOptions.MaxFeedbackLabels"/> labels per request (413 beyond).
/// </summary>
internal static class FeedbackApi
{
    public static async Task<IResult> HandleAsync(
        string name, HttpContext http, ModelHost host, ServingOptions options, Workspace workspace, MetadataGate gate, ServingMetrics metrics, CapturedRequests captured, ILoggerFactory loggers)
    {
        try
        {
            return await AnswerAsync(name, http, host, options, workspace, gate, metrics, captured, loggers).ConfigureAwait(false);
        }
        catch (Exception e) when (!http.Response.HasStarted && !http.RequestAborted.IsCancellationRequested)
        {
            return RequestProblems.Unexpected(loggers.CreateLogger(LogCategory), http, e, options.MaxBodyBytes);
        }
    }

    private const string LogCategory = "Keel.Server.Feedback";

    private static async Task<IResult> AnswerAsync(
        string name, HttpContext http, ModelHost host, ServingOptions options, Workspace workspace, MetadataGate gate, ServingMetrics metrics, CapturedRequests captured, ILoggerFactory loggers)
    {
        if (!host.TryGet(name, out var slot)) return Results.Problem(statusCode: 404, title: "unknown model", detail: $"no model '{name}' is served here");
        if (!options.Capture)
        {
            return Results.Problem(statusCode: 409, title: "feedback needs prediction capture",
                detail: "this server runs with --no-capture, so it cannot check request ids; send feedback to a server that captures predictions");
        }
        using var body = await PooledBody.ReadAsync(http, options.MaxBodyBytes).ConfigureAwait(false);
        if (body.TooLarge) return RequestProblems.BodyTooLarge(loggers.CreateLogger(LogCategory), http, options.MaxBodyBytes);
        if (RequestProblems.NotUtf8(body.Span) is { } notUtf8) return notUtf8;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var items = new List<(string At, string RequestId, int Row, string Label)>();
        try
        {
            using var doc = JsonDocument.Parse(body.Memory);
            var root = doc.RootElement;
            var array = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("labels", out var l) && l.ValueKind == JsonValueKind.Array ? l
                : root.ValueKind == JsonValueKind.Array ? root : (JsonElement?)null;
            // Counted before anything is read or looked up: the work a request may cost is bounded by the limit.
            if (array is { } a && a.GetArrayLength() > options.MaxFeedbackLabels) return RequestProblems.TooManyLabels(a.GetArrayLength(), options.MaxFeedbackLabels);
            var list = array is { } all ? all.EnumerateArray().ToList() : [root];
            for (var i = 0; i < list.Count; i++)
            {
                var item = list[i];
                var at = list.Count == 1 ? "" : $"labels[{i}].";
                if (item.ValueKind != JsonValueKind.Object) { errors[$"labels[{i}]"] = ["must be an object"]; continue; }
                var ok = true;
                if (!item.TryGetProperty("request_id", out var id) || id.ValueKind != JsonValueKind.String || id.GetString()!.Length == 0)
                {
                    errors[at + "request_id"] = ["required: the request_id a prediction response returned"];
                    ok = false;
                }
                if (!item.TryGetProperty("label", out var label) || label.ValueKind is JsonValueKind.Null or JsonValueKind.Object or JsonValueKind.Array or JsonValueKind.Undefined)
                {
                    errors[at + "label"] = ["required: the true value (number, string or boolean)"];
                    ok = false;
                }
                var row = 0;
                if (item.TryGetProperty("row", out var r) && !(r.ValueKind == JsonValueKind.Number && r.TryGetInt32(out row) && row >= 0))
                {
                    errors[at + "row"] = ["must be the row's index in its request: an integer from 0"];
                    ok = false;
                }
                if (ok) items.Add((at, id.GetString()!, row, label.ValueKind == JsonValueKind.String ? label.GetString()! : label.GetRawText()));
            }
        }
        catch (JsonException e)
        {
            errors["body"] = [$"malformed JSON: {e.Message}"];
        }
        catch (InvalidOperationException e)
        {
            // A string the reader cannot turn into text, such as an escaped lone surrogate.
            errors["body"] = [$"unreadable JSON text: {e.Message}"];
        }
        if (errors.Count > 0) return Results.ValidationProblem(errors, title: "invalid feedback");
        if (items.Count == 0) return Results.ValidationProblem(new Dictionary<string, string[]> { ["labels"] = ["no labels given"] }, title: "invalid feedback");

        var found = await captured.FindAsync(name, items.Select(i => i.RequestId).Distinct(StringComparer.Ordinal).ToList(), http.RequestAborted).ConfigureAwait(false);
        var unknown = new List<string>();
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (at, id, row, _) in items)
        {
            if (!found.TryGetValue(id, out var hit))
            {
                errors[at + "request_id"] = [$"unknown request id '{id}': {name} captured no prediction under it"];
                if (named.Add(id)) unknown.Add(id);
            }
            else if (row >= hit.Rows)
            {
                errors[at + "row"] = [$"request '{id}' predicted {hit.Rows} row(s); row must be below {hit.Rows}"];
            }
        }
        if (errors.Count > 0)
        {
            var extensions = new Dictionary<string, object?> { ["unknown_request_ids"] = unknown };
            return Results.ValidationProblem(errors, statusCode: 422, extensions: extensions,
                title: unknown.Count > 0 ? $"feedback names {unknown.Count} request id(s) {name} never answered; nothing was stored" : "feedback names rows that were not predicted; nothing was stored");
        }

        var deployments = await DeploymentNodesAsync(name, slot, found.Values.Select(v => v.Version).ToHashSet(), workspace, gate, http.RequestAborted).ConfigureAwait(false);
        var now = workspace.Time.GetUtcNow();
        var labels = items.Select(i =>
        {
            var version = found[i.RequestId].Version;
            return new FeedbackLabel(i.RequestId, i.Row, name, i.Label, now, version, deployments.GetValueOrDefault(version));
        }).ToList();
        await gate.RunAsync(async () => { await workspace.Metadata.Models.AddFeedbackAsync(labels, http.RequestAborted).ConfigureAwait(false); return 0; }, http.RequestAborted).ConfigureAwait(false);
        metrics.Feedback.Inc(labels.Count);
        return Results.Json(new { accepted = labels.Count }, statusCode: 202);
    }

    /// <summary>The deploy run behind each version: the served one's when it is being served, else the registry's last deploy of it.</summary>
    private static async Task<Dictionary<int, long?>> DeploymentNodesAsync(string name, ModelSlot slot, HashSet<int> versions, Workspace workspace, MetadataGate gate, CancellationToken cancellationToken)
    {
        var result = new Dictionary<int, long?>();
        var state = slot.State;
        foreach (var served in new[] { state.Stable, state.Canary })
            if (served is not null && versions.Contains(served.Version.Version)) result[served.Version.Version] = served.DeploymentNode;
        if (versions.All(result.ContainsKey)) return result;
        var all = await gate.RunAsync(() => workspace.Metadata.Models.DeploymentsAsync(name, cancellationToken), cancellationToken).ConfigureAwait(false);
        foreach (var v in versions.Where(v => !result.ContainsKey(v)))
            result[v] = all.LastOrDefault(d => d.Version == v && d.Action == "deploy")?.NodeId;
        return result;
    }
}
