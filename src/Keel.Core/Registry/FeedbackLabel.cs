namespace Keel.Registry;

/// <summary>A ground-truth label for one predicted row, attached later by request id.</summary>
public sealed record FeedbackLabel(string RequestId, int Row, string Model, string Label, DateTimeOffset ReceivedAt);
