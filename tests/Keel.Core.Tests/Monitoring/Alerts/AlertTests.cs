using System.Net;
using Keel.Monitoring;

namespace Keel.Core.Tests.Monitoring.Alerts;

public sealed class AlertTests
{
    private static WindowReport Window(Severity s) => new() { Index = 0, Label = "w", Rows = 1000, Severity = s };

    [Fact]
    public void Observe_TwoOfThree_AlertsOnSecondAndRespectsCooldown()
    {
        var tracker = new AlertTracker(new AlertPolicy { Alerts = 2, Of = 3, CooldownWindows = 2 });
        var states = new[] { Severity.Alert, Severity.Ok, Severity.Alert, Severity.Alert, Severity.Alert, Severity.Alert, Severity.Ok, Severity.Ok, Severity.Ok }
            .Select(s => tracker.Observe(Window(s))).ToList();

        Assert.Equal([Severity.Warn, Severity.Ok, Severity.Alert, Severity.Alert, Severity.Alert, Severity.Alert, Severity.Alert, Severity.Ok, Severity.Ok], states.Select(s => s.State));
        Assert.Equal([false, false, true, false, false, true, false, false, false], states.Select(s => s.Notify));
    }

    [Fact]
    public async Task Dispatcher_FailingSink_OthersStillPublishAndErrorIsReported()
    {
        var errors = new List<string>();
        var good = new CountingSink();
        var dispatcher = new SafeAlertDispatcher([new ThrowingSink(), good], errors.Add);
        await dispatcher.PublishAsync(new AlertEvent("m", Window(Severity.Alert), Severity.Alert, true, DateTimeOffset.UnixEpoch), CancellationToken.None);

        Assert.Equal(1, good.Count);
        Assert.Equal(1, dispatcher.Failures);
        Assert.Contains("alert sink 'boom' failed", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_PostsJsonOnNotify_ToLoopback()
    {
        using var listener = new HttpListener();
        int port = 20000 + (Environment.ProcessId % 20000);
        listener.Prefixes.Add($"http://127.0.0.1:{port}/hook/");
        listener.Start();
        Task<string> received = Task.Run(async () =>
        {
            HttpListenerContext ctx = await listener.GetContextAsync();
            using var reader = new StreamReader(ctx.Request.InputStream);
            string body = await reader.ReadToEndAsync();
            ctx.Response.StatusCode = 204;
            ctx.Response.Close();
            return body;
        });
        using var http = new HttpClient();
        var sink = new WebhookAlertSink(http, new Uri($"http://127.0.0.1:{port}/hook/"));
        await sink.PublishAsync(new AlertEvent("churn", Window(Severity.Alert) with { Reasons = ["drift in 'age'"] }, Severity.Alert, true, DateTimeOffset.UnixEpoch), CancellationToken.None);

        string json = await received.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains("\"model\":\"churn\"", json, StringComparison.Ordinal);
        Assert.Contains("\"state\":\"alert\"", json, StringComparison.Ordinal);
        Assert.Contains("drift in \\u0027age\\u0027", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Prometheus_RendersGaugesWithLabels()
    {
        var w = Window(Severity.Alert) with
        {
            Features = [new FeatureDrift { Feature = "a\"ge", Kind = Keel.Monitoring.Profiles.ColumnKind.Numeric, Test = "ks", EffectMetric = "wasserstein", Effect = 0.25, Drifted = true }],
        };
        string text = PrometheusExposition.Render(new AlertEvent("churn", w, Severity.Alert, true, DateTimeOffset.UnixEpoch));
        Assert.Contains("keel_monitor_alert_state{model=\"churn\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("keel_monitor_feature_effect{model=\"churn\",feature=\"a\\\"ge\",metric=\"wasserstein\"} 0.25\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE keel_monitor_feature_drift gauge", text, StringComparison.Ordinal);
    }

    private sealed class ThrowingSink : IAlertSink
    {
        public string Name => "boom";

        public Task PublishAsync(AlertEvent alert, CancellationToken cancellationToken) => throw new HttpRequestException("connection refused");
    }

    private sealed class CountingSink : IAlertSink
    {
        public int Count { get; private set; }

        public string Name => "count";

        public Task PublishAsync(AlertEvent alert, CancellationToken cancellationToken)
        {
            Count++;
            return Task.CompletedTask;
        }
    }
}
