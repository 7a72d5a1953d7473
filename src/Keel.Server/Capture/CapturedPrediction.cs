using Keel.Server.Hosting;

namespace Keel.Server.Capture;

/// <summary>One predicted row as captured: who asked, when (UTC ms), which version answered, what went in and came out.</summary>
internal sealed record CapturedPrediction(RequestId RequestId, int Row, long TimeMs, ServedModel Model, object?[] Inputs, object?[] Outputs, string? Flags);
