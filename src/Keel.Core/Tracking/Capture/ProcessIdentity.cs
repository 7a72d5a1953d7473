using System.Globalization;

namespace Keel.Tracking.Capture;

/// <summary>A process as the OS knows it: pid plus start time, so a reused pid is not taken for the original.</summary>
public static class ProcessIdentity
{
    /// <summary>The process start time in clock ticks since boot (Linux /proc/PID/stat field 22), or null elsewhere.</summary>
    public static long? StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return long.Parse(fields[19], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>True when the process with this pid (and start time, when known) still exists on this host.</summary>
    public static bool IsAlive(int pid, long? startTime)
    {
        if (OperatingSystem.IsLinux())
        {
            var now = StartTime(pid);
            if (now is null) return false;
            return startTime is null || now == startTime;
        }
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
