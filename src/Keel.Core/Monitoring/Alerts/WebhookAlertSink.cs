using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keel.Monitoring;

/// <summary>POSTs a JSON document to a URL when an alert is to be notified (not on every window).</summary>
public sealed class WebhookAlertSink(HttpClient http, Uri url) : IAlertSink
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public string Name => $"webhook {url}";

    public async Task PublishAsync(AlertEvent alert, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(alert);
        if (!alert.Notify)
        {
            return;
        }

        var body = new
        {
            model = alert.Model,
            state = alert.State,
            window = alert.Window.Label,
            rows = alert.Window.Rows,
            reasons = alert.Window.Reasons,
            drifted = alert.Window.Features.Where(f => f.Drifted).Select(f => f.Feature),
            time = alert.Time,
        };
        using HttpResponseMessage response = await http.PostAsJsonAsync(url, body, Json, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }
}
