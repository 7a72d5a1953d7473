namespace Keel.Server.Capture;

/// <summary>One captured row as read back from a capture log: the shape a segment is written from.</summary>
internal sealed record LoggedRow(string RequestId, int Row, long TimeMs, string? Flags, object?[] Inputs, object?[] Outputs);
