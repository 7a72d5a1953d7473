namespace Keel.Tracking;

/// <summary>The environment variables through which <c>keel exec</c> hands its run to the program it starts.</summary>
public static class KeelRunEnvironment
{
    public const string RunId = "KEEL_RUN_ID";
    public const string Workspace = "KEEL_WORKSPACE";
    public const string Seed = "KEEL_SEED";
    public const string MetricsFile = "KEEL_METRICS_FILE";
    public const string Experiment = "KEEL_EXPERIMENT";

    /// <summary>A tag the SDK sets when a program attached to someone else's run calls MarkFailed.</summary>
    public const string FailedTag = "keel.failed";
}
