using System.Text.Unicode;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Keel.Server.Api;

/// <summary>
/// The refusals predict and feedback share, each an <c>application/problem+json</c> answer
/// naming what is wrong and the limit or option involved, and the one log line a refusal or an
/// unexpected failure is worth (never a stack trace: a client can cause these at will).
/// </summary>
internal static partial class RequestProblems
{
    public static IResult BodyTooLarge(ILogger logger, HttpContext http, long limit)
    {
        LogBodyTooLarge(logger, http.Request.Path, limit, http.Request.ContentLength is null ? "sent chunked" : "by its Content-Length");
        return Results.Problem(statusCode: 413, title: "request body too large",
            detail: $"the body is over the limit of {limit} bytes (--max-body-bytes); send fewer rows per request");
    }

    public static IResult TooManyRows(int rows, int limit) =>
        Results.Problem(statusCode: 413, title: "too many rows in one request",
            detail: $"the body holds {rows} rows; at most {limit} are taken per request (--max-batch-rows); split the batch");

    public static IResult TooManyLabels(int labels, int limit) =>
        Results.Problem(statusCode: 413, title: "too many labels in one request",
            detail: $"the body holds {labels} labels; at most {limit} are taken per request (--max-feedback-labels); split the batch");

    /// <summary>A 400 when the body is not UTF-8 (JSON must be), naming the byte where it stops being so; else null.</summary>
    public static IResult? NotUtf8(ReadOnlySpan<byte> body)
    {
        if (Utf8.IsValid(body)) return null;
        var offset = 0;
        while (offset < body.Length && System.Text.Rune.DecodeFromUtf8(body[offset..], out _, out var used) == System.Buffers.OperationStatus.Done) offset += used;
        return Results.ValidationProblem(new Dictionary<string, string[]> { ["body"] = [$"the body is not valid UTF-8 (at byte {offset}); send JSON encoded as UTF-8"] }, title: "body is not UTF-8");
    }

    /// <summary>The answer to an exception nothing else caught: Kestrel's own refusals (a body over its limit, a broken chunk) keep their status; anything else is a 500.</summary>
    public static IResult Unexpected(ILogger logger, HttpContext http, Exception e, long limit)
    {
        if (e is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge }) return BodyTooLarge(logger, http, limit);
        if (e is BadHttpRequestException bad)
        {
            LogBadRequest(logger, http.Request.Path, bad.StatusCode, bad.Message);
            return Results.Problem(statusCode: bad.StatusCode, title: "bad request", detail: bad.Message);
        }
        LogFailed(logger, http.Request.Path, e.GetType().Name, e.Message);
        return Results.Problem(statusCode: 500, title: "the server failed to answer", detail: $"{e.GetType().Name}: {e.Message}; the server keeps serving, and its log has the same line");
    }

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "refused a request to {Path} with 413: its body is over the limit of {Limit} bytes ({How})")]
    private static partial void LogBodyTooLarge(ILogger logger, string path, long limit, string how);

    [LoggerMessage(EventId = 21, Level = LogLevel.Warning, Message = "refused a request to {Path} with {Status}: {Reason}")]
    private static partial void LogBadRequest(ILogger logger, string path, int status, string reason);

    [LoggerMessage(EventId = 22, Level = LogLevel.Error, Message = "a request to {Path} failed with 500: {Type}: {Reason}")]
    private static partial void LogFailed(ILogger logger, string path, string type, string reason);
}
