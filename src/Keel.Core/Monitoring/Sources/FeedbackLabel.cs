namespace Keel.Monitoring;

/// <summary>A true label that arrived after the prediction, joined by request id.</summary>
public sealed record FeedbackLabel(string RequestId, string Label, DateTimeOffset? Time);
