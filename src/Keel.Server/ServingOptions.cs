namespace Keel.Server;

/// <summary>How <c>keel serve</c> runs; every default is what the CLI uses when no option is given.</summary>
public sealed class ServingOptions
{
    /// <summary>Address to bind; loopback by default so nothing is exposed by accident.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Port; 0 picks a free one (printed at start).</summary>
    public int Port { get; set; } = 8080;

    /// <summary>Model references to serve (NAME@ALIAS or NAME@N); empty means every model with a <c>production</c> alias.</summary>
    public IList<string> Models { get; } = [];

    /// <summary>Largest request body accepted; larger gets 413. Default 4 MiB.</summary>
    public long MaxBodyBytes { get; set; } = 4 << 20;

    /// <summary>Most rows one predict request may hold; more gets 413 naming the limit, before any row is read into memory. Default 10,000.</summary>
    public int MaxBatchRows { get; set; } = 10_000;

    /// <summary>Most labels one feedback request may hold; more gets 413 naming the limit, before any id is looked up. Default 10,000.</summary>
    public int MaxFeedbackLabels { get; set; } = 10_000;

    /// <summary>How often aliases are re-read for hot swaps. Default 1 s.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A category never seen in training: rejected with 400 (default) or accepted and flagged in the response.</summary>
    public bool RejectUnseenCategories { get; set; } = true;

    /// <summary>Whether predictions are captured. Default on.</summary>
    public bool Capture { get; set; } = true;

    /// <summary>Captured rows waiting in memory to be logged; rows offered beyond it are dropped, counted by reason in /metrics and reported in the response. Default 100,000.</summary>
    public int CaptureQueue { get; set; } = 100_000;

    /// <summary>How often queued rows are appended to the on-disk capture log: a kill loses at most the rows of this last beat. Default 20 ms.</summary>
    public TimeSpan CaptureLogInterval { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>A segment is cut at this many rows. Default 10,000.</summary>
    public int SegmentRows { get; set; } = 10_000;

    /// <summary>... or after this long with at least one row. Default 60 s.</summary>
    public TimeSpan SegmentAge { get; set; } = TimeSpan.FromSeconds(60);
}
