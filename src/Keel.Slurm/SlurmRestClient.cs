using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Keel.Slurm;

/// <summary>
/// slurmrestd's v0.0.38 API over a unix socket or HTTP. slurmrestd 22.05 rejects chunked bodies
/// and <c>application/json; charset=utf-8</c>, so bodies go as bytes with a bare content type.
/// </summary>
internal sealed class SlurmRestClient : IDisposable
{
    private const string Api = "/slurm/v0.0.38";
    private readonly HttpClient _http;

    public SlurmRestClient(string endpoint)
    {
        Endpoint = endpoint;
        if (endpoint.StartsWith("unix://", StringComparison.Ordinal))
        {
            var socket = endpoint["unix://".Length..];
            var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, ct) =>
                {
                    var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    try
                    {
                        await s.ConnectAsync(new UnixDomainSocketEndPoint(socket), ct).ConfigureAwait(false);
                        return new NetworkStream(s, ownsSocket: true);
                    }
                    catch
                    {
                        s.Dispose();
                        throw;
                    }
                },
            };
            _http = new HttpClient(handler) { BaseAddress = new Uri("http://slurmrestd") };
        }
        else
        {
            _http = new HttpClient { BaseAddress = new Uri(endpoint) };
        }
        _http.Timeout = TimeSpan.FromSeconds(30);
    }

    public string Endpoint { get; }

    public async Task<long> SubmitAsync(JsonObject body, CancellationToken ct)
    {
        var doc = await SendAsync(HttpMethod.Post, $"{Api}/job/submit", body, ct).ConfigureAwait(false);
        if (doc["job_id"]?.GetValue<long>() is { } id and > 0) return id;
        throw new KeelException($"slurmrestd at {Endpoint} did not accept the job: {Errors(doc)}");
    }

    /// <summary>The job's record (job_state, exit_code, state_reason, ...), or null when Slurm forgot it.</summary>
    public async Task<JsonObject?> GetJobAsync(long id, CancellationToken ct)
    {
        var doc = await SendAsync(HttpMethod.Get, $"{Api}/job/{id}", null, ct).ConfigureAwait(false);
        return doc["jobs"] is JsonArray { Count: > 0 } jobs ? jobs[0] as JsonObject : null;
    }

    public async Task CancelAsync(long id, CancellationToken ct) =>
        await SendAsync(HttpMethod.Delete, $"{Api}/job/{id}", null, ct).ConfigureAwait(false);

    public async Task PingAsync(CancellationToken ct) =>
        await SendAsync(HttpMethod.Get, $"{Api}/ping", null, ct).ConfigureAwait(false);

    private async Task<JsonObject> SendAsync(HttpMethod method, string path, JsonObject? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Content = content;
        }
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or SocketException || (e is TaskCanceledException && !ct.IsCancellationRequested))
        {
            throw new KeelException($"cannot reach slurmrestd at {Endpoint}: {e.Message}", ExitCodes.Usage, e);
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            JsonObject? doc = null;
            try
            {
                doc = JsonNode.Parse(text) as JsonObject;
            }
            catch (JsonException)
            {
            }
            if (!response.IsSuccessStatusCode && (doc is null || doc["jobs"] is null))
                throw new KeelException($"slurmrestd at {Endpoint} answered {(int)response.StatusCode} to {method} {path}: {(doc is null ? text.Trim() : Errors(doc))}");
            return doc ?? [];
        }
    }

    private static string Errors(JsonObject doc) =>
        doc["errors"] is JsonArray { Count: > 0 } errs
            ? string.Join("; ", errs.Select(e => e?["error"]?.ToString() ?? e?["description"]?.ToString() ?? e?.ToJsonString()))
            : "no error given";

    public void Dispose() => _http.Dispose();
}
