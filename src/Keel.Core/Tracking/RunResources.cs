namespace Keel.Tracking;

/// <summary>What a run consumed; null where it could not be measured.</summary>
public sealed record RunResources(double? CpuSeconds, long? PeakMemoryBytes, double WallSeconds);
