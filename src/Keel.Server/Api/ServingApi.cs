using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using Keel.Registry;
using Keel.Server.Capture;
using Keel.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Keel.Server.Api;

/// <summary>The serving endpoints (docs/serving.md): predict, MLflow's /invocations, models, health, feedback, metrics.</summary>
internal static class ServingApi
{
    public static IEndpointRouteBuilder MapKeelServing(this IEndpointRouteBuilder app, ServingMetrics metrics)
    {
        // Predict is a plain request delegate over services resolved once: no per-request parameter
        // binding or service lookups, and the response is written straight into Kestrel's pipe.
        var predict = new Predictor(
            app.ServiceProvider.GetRequiredService<ModelHost>(), app.ServiceProvider.GetRequiredService<PredictionCapture>(),
            app.ServiceProvider.GetRequiredService<ServingOptions>(), metrics, app.ServiceProvider.GetRequiredService<TimeProvider>(),
            app.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("Keel.Server.Predict"));
        app.MapPost("/v1/models/{name}/predict", (RequestDelegate)(http => PredictAsync((string)http.Request.RouteValues["name"]!, http, predict)));
        app.MapPost("/invocations", (RequestDelegate)(http => PredictAsync(predict.Host.DefaultModel ?? "", http, predict)));
        app.MapPost("/v1/models/{name}/feedback", FeedbackApi.HandleAsync);
        app.MapGet("/v1/models", ListModels);
        app.MapGet("/healthz", (ModelHost host) => Results.Json(new { status = "ok", models = host.Slots.Count }));
        app.MapGet("/ping", () => Results.Text("ok"));
        // A baseline for the bench: reads the body like predict, answers constant JSON.
        app.MapPost("/v1/ping", async (HttpContext http) =>
        {
            using var body = await PooledBody.ReadAsync(http, long.MaxValue).ConfigureAwait(false);
            return Results.Json(new { status = "ok" });
        });
        app.MapMetrics("/metrics", metrics.Registry);
        return app;
    }

    private static IResult ListModels(ModelHost host) => Results.Json(new
    {
        default_model = host.DefaultModel,
        models = host.Slots.Select(s => new
        {
            name = s.Name,
            reference = s.Reference.ToString(),
            version = s.State.Stable.Version.Version,
            flavor = s.State.Stable.Version.Flavor,
            digest = s.State.Stable.Version.Digest.ToString(),
            canary = s.State.Canary is { } c ? new { version = c.Version.Version, percent = s.State.CanaryPercent } : null,
            inputs = s.State.Stable.Fields.Select(f => new { name = f.Name, type = f.Type.ToString().ToLowerInvariant(), allows_missing = f.AllowsMissing, categories = f.Categories }),
            outputs = s.State.Stable.Model.Outputs,
        }),
    });

    private sealed record Predictor(ModelHost Host, PredictionCapture Capture, ServingOptions Options, ServingMetrics Metrics, TimeProvider Time, ILogger Logger);

    private const string UnknownModel = "(unknown)";

    /// <summary>Answers, or sends the refusal; either way the answer is counted in keel_requests_total.</summary>
    private static async Task PredictAsync(string name, HttpContext http, Predictor p)
    {
        IResult? refused;
        try
        {
            refused = await TryPredictAsync(name, http, p).ConfigureAwait(false);
        }
        catch (Exception e) when (!http.Response.HasStarted && !http.RequestAborted.IsCancellationRequested)
        {
            refused = RequestProblems.Unexpected(p.Logger, http, e, p.Options.MaxBodyBytes);
        }
        if (refused is null) return;
        p.Metrics.Refused(p.Host.TryGet(name, out _) ? name : UnknownModel, (refused as IStatusCodeHttpResult)?.StatusCode ?? 500);
        await refused.ExecuteAsync(http).ConfigureAwait(false);
    }

    /// <summary>Answers the request, or returns the refusal to send.</summary>
    private static async Task<IResult?> TryPredictAsync(string name, HttpContext http, Predictor p)
    {
        var (host, capture, options, metrics, time, logger) = p;
        var start = Stopwatch.GetTimestamp();
        if (!host.TryGet(name, out var slot))
            return Results.Problem(statusCode: 404, title: "unknown model", detail: $"no model '{name}' is served here; GET /v1/models lists them");
        using var body = await PooledBody.ReadAsync(http, options.MaxBodyBytes).ConfigureAwait(false);
        if (body.TooLarge) return RequestProblems.BodyTooLarge(logger, http, options.MaxBodyBytes);
        if (RequestProblems.NotUtf8(body.Span) is { } notUtf8) return notUtf8;
        var served = slot.Pick();
        List<object?[]> inputs;
        List<string>? flags = null;
        if (SingleRowReader.TryRead(body.Span, served, out var single))
        {
            inputs = [single];
        }
        else
        {
            var refused = ReadRows(body.Memory, served, options, out inputs, out flags);
            if (refused is not null) return refused;
        }
        var outputs = served.Model.Predict(inputs);
        var now = time.GetUtcNow();
        var id = http.Request.Headers.TryGetValue("X-Request-Id", out var given) && given.Count > 0 && given[0]!.Length is > 0 and <= 200
            ? RequestId.Parse(given[0]!) : RequestId.New(now);
        var requestId = id.ToString();
        var dropped = 0;
        if (capture.Enabled)
        {
            var ms = now.ToUnixTimeMilliseconds();
            var flagText = flags is null ? null : string.Join("; ", flags);
            for (var i = 0; i < inputs.Count; i++)
                if (!capture.Offer(new CapturedPrediction(id, i, ms, served, inputs[i], outputs[i], flagText))) dropped++;
            capture.CountLost(dropped, CaptureDropReason.QueueFull);
        }
        metrics.Predicted(name, served.Version.Version, inputs.Count, Stopwatch.GetElapsedTime(start).TotalSeconds);
        http.Response.Headers["X-Request-Id"] = requestId;
        // Never silently: a client whose rows were not captured (so feedback on them will be refused) is told how many.
        if (dropped > 0) http.Response.Headers[CaptureDroppedHeader] = dropped.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await WriteResponseAsync(http, requestId, served, outputs, flags, dropped).ConfigureAwait(false);
        return null;
    }

    /// <summary>The response header (and <c>capture_dropped</c> field) giving the rows of this request that capture dropped.</summary>
    public const string CaptureDroppedHeader = "X-Keel-Capture-Dropped";

    /// <summary>The general path: any body shape, every problem named by its field. Returns the refusal, or null with the rows.</summary>
    private static IResult? ReadRows(ReadOnlyMemory<byte> body, ServedModel served, ServingOptions options, out List<object?[]> inputs, out List<string>? flags)
    {
        inputs = [];
        flags = null;
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"malformed JSON: {e.Message}"] }, title: "malformed JSON");
        }
        using (doc)
        {
            try
            {
                var rows = RequestRows.Read(doc.RootElement, options.MaxBatchRows, out var shapeError, out var tooMany);
                if (tooMany > 0) return RequestProblems.TooManyRows(tooMany, options.MaxBatchRows);
                if (shapeError is not null || rows.Count == 0)
                    return Results.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [shapeError ?? "no rows to predict"] }, title: "no rows");
                var (values, errors, flagged) = RowValidator.Validate(served, rows, options.RejectUnseenCategories);
                if (errors.Count > 0) return Results.ValidationProblem(errors, title: $"the request does not match the signature of {served.Version.Ref}");
                inputs = values;
                flags = flagged;
                return null;
            }
            catch (InvalidOperationException e)
            {
                // A string the reader cannot turn into text, such as an escaped lone surrogate ("\ud800").
                return Results.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"unreadable JSON text: {e.Message}"] }, title: "malformed JSON");
            }
        }
    }

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    /// <summary>Writes the answer with its length: formatted in a buffer kept per thread (used up before the first await), then copied into the response pipe.</summary>
    private static async Task WriteResponseAsync(HttpContext http, string requestId, ServedModel served, object?[][] outputs, List<string>? flags, int dropped)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        var w = t_writer ??= new Utf8JsonWriter(buffer);
        w.Reset(buffer);
        Response(w, requestId, served, outputs, flags, dropped);
        w.Flush();
        http.Response.ContentType = "application/json";
        http.Response.ContentLength = buffer.WrittenCount;
        var pipe = http.Response.BodyWriter;
        // In pieces of whatever the pipe offers, so a large batch answer needs no large block of it.
        for (var rest = buffer.WrittenSpan; rest.Length > 0;)
        {
            var span = pipe.GetSpan();
            var n = Math.Min(span.Length, rest.Length);
            rest[..n].CopyTo(span);
            pipe.Advance(n);
            rest = rest[n..];
        }
        // A big batch answer should not pin a large buffer to the thread for good.
        if (buffer.Capacity > 1 << 20) (t_buffer, t_writer) = (null, null);
        await pipe.FlushAsync(http.RequestAborted).ConfigureAwait(false);
    }

    private static void Response(Utf8JsonWriter w, string requestId, ServedModel served, object?[][] outputs, List<string>? flags, int dropped)
    {
        w.WriteStartObject();
        w.WriteString("request_id", requestId);
        w.WriteString("model", served.Version.Name);
        w.WriteNumber("version", served.Version.Version);
        w.WriteStartArray("predictions");
        var names = served.Model.Outputs;
        foreach (var row in outputs)
        {
            w.WriteStartObject();
            for (var o = 0; o < names.Count; o++)
            {
                w.WritePropertyName(names[o]);
                WriteValue(w, row[o]);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (flags is not null)
        {
            w.WriteStartArray("flags");
            foreach (var f in flags) w.WriteStringValue(f);
            w.WriteEndArray();
        }
        if (dropped > 0) w.WriteNumber("capture_dropped", dropped);
        w.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter w, object? v)
    {
        switch (v)
        {
            case double d when double.IsFinite(d): w.WriteNumberValue(d); break;
            case double: w.WriteNullValue(); break;
            case bool b: w.WriteBooleanValue(b); break;
            case string s: w.WriteStringValue(s); break;
            case double[] a:
                w.WriteStartArray();
                foreach (var x in a) WriteValue(w, x);
                w.WriteEndArray();
                break;
            default: w.WriteNullValue(); break;
        }
    }
}
