namespace Keel.Monitoring;

/// <summary>The <c>monitor:</c> section of keel.yaml: how windows are judged, when to alert, and what to do.</summary>
public sealed record MonitorPolicy
{
    /// <summary>Window size, e.g. 10000rows or 1h; null leaves it to the command line.</summary>
    public string? Window { get; init; }

    public MonitorOptions Options { get; init; } = new();

    public AlertPolicy Alerts { get; init; } = new();

    /// <summary>URL alerts are POSTed to.</summary>
    public string? Webhook { get; init; }

    /// <summary>File the Prometheus gauges are written to.</summary>
    public string? PrometheusFile { get; init; }

    /// <summary>On sustained drift: snapshot production windows as a dataset version and run the pipeline.</summary>
    public RetrainAction? OnDrift { get; init; }

    /// <summary>On realised performance below the floor: roll the alias back to the previous version.</summary>
    public bool RollbackOnPerformance { get; init; }

    /// <summary>True when the policy declares any action.</summary>
    public bool HasActions => OnDrift is not null || RollbackOnPerformance;
}
