using System.Diagnostics;

namespace Keel;

/// <summary>
/// Timing breadcrumbs on stderr when <c>KEEL_TRACE=1</c>: where a command spends its time,
/// measured from process start.
/// </summary>
public static class Diagnostics
{
    private static readonly bool Enabled = Environment.GetEnvironmentVariable("KEEL_TRACE") == "1";
    private static readonly DateTime ProcessStart = Enabled ? Process.GetCurrentProcess().StartTime.ToUniversalTime() : default;

    public static void Trace(string what)
    {
        if (!Enabled) return;
        var elapsed = TimeProvider.System.GetUtcNow().UtcDateTime - ProcessStart;
        Console.Error.WriteLine($"[trace] {elapsed.TotalMilliseconds,8:0.0} ms  {what}");
    }
}
