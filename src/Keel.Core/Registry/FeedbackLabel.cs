namespace Keel.Registry;

/// <summary>A ground-truth label for one predicted row, attached later by request id.</summary>
/// <param name="Version">The model version that made the prediction, when the server checked the request id against what it captured.</param>
/// <param name="DeploymentNode">The lineage node of the deploy run that put that version in service, when known.</param>
public sealed record FeedbackLabel(string RequestId, int Row, string Model, string Label, DateTimeOffset ReceivedAt, int? Version = null, long? DeploymentNode = null);
