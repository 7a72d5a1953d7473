namespace Keel.Tracking.Execution;

/// <summary>How a child ended: its exit code (128+N when killed by signal N), the signal if any, and its resource use.</summary>
internal sealed record ChildExit(int ExitCode, int? Signal, double CpuSeconds, long PeakMemoryBytes);
