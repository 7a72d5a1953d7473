using Keel.Server.Hosting;

namespace Keel.Server.Capture;

/// <summary>One predicted row as captured: who asked, when, which version answered, what went in and came out.</summary>
internal sealed record CapturedPrediction(string RequestId, int Row, DateTimeOffset Time, ServedModel Model, object?[] Inputs, object?[] Outputs, string? Flags);
