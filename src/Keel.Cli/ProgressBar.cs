using System.Diagnostics;

namespace Keel.Cli;

/// <summary>
/// A progress bar on stderr, shown only on a terminal and only once work has taken a
/// second; silent when piped.
/// </summary>
internal sealed class ProgressBar : IProgress<long>, IDisposable
{
    private static readonly TimeSpan ShowAfter = TimeSpan.FromSeconds(1);

    private readonly string _label;
    private readonly long _total;
    private readonly bool _enabled;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Lock _gate = new();
    private long _done;
    private long _lastDrawMs = -1000;
    private bool _drawn;

    public ProgressBar(string label, long total)
    {
        _label = label;
        _total = Math.Max(total, 1);
        _enabled = Enabled;
    }

    /// <summary>Whether a bar can show at all (stderr is a terminal, not CI); callers skip sizing work when not.</summary>
    public static bool Enabled => !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("CI") is null;

    public void Report(long value)
    {
        var done = Interlocked.Add(ref _done, value);
        if (!_enabled || _clock.Elapsed < ShowAfter) return;
        var now = _clock.ElapsedMilliseconds;
        if (now - Interlocked.Read(ref _lastDrawMs) < 100) return;
        lock (_gate)
        {
            _lastDrawMs = now;
            var fraction = Math.Min(1.0, done / (double)_total);
            var width = 30;
            var filled = (int)(fraction * width);
            var rate = done / Math.Max(_clock.Elapsed.TotalSeconds, 1e-3);
            Console.Error.Write($"\r{_label} [{new string('#', filled)}{new string('-', width - filled)}] {fraction,4:P0} {CliContext.Size((long)rate)}/s ");
            _drawn = true;
        }
    }

    public void Dispose()
    {
        if (_drawn) Console.Error.Write("\r" + new string(' ', 80) + "\r");
    }
}
