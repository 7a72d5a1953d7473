namespace Keel.Monitoring;

/// <summary>Feedback labels by request id (the server's feedback endpoint, or a CSV of request_id,label).</summary>
public interface IFeedbackSource
{
    /// <summary>Reads all feedback labels known so far.</summary>
    IAsyncEnumerable<FeedbackLabel> ReadAsync(CancellationToken cancellationToken);
}
