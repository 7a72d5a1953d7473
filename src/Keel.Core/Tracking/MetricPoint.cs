namespace Keel.Tracking;

/// <summary>One logged metric value. NaN and ±Infinity are legal values and round-trip.</summary>
public readonly record struct MetricPoint(string Key, double Value, long Step, DateTimeOffset Timestamp);
