namespace Keel.Server.Capture;

/// <summary>Why a captured row did not reach the capture log: the <c>reason</c> label of <c>keel_capture_dropped_total</c>.</summary>
internal enum CaptureDropReason
{
    /// <summary>The in-memory queue held <see cref="ServingOptions.CaptureQueue"/> rows already.</summary>
    QueueFull,

    /// <summary>The capture log could not be created or written (a full disk, say).</summary>
    LogFailed,
}

/// <summary>The label each reason carries in /metrics and the log.</summary>
internal static class CaptureDropReasons
{
    public static string Label(this CaptureDropReason reason) => reason switch
    {
        CaptureDropReason.QueueFull => "queue_full",
        _ => "log_failed",
    };
}
