namespace Keel.Monitoring;

/// <summary>One pass of monitoring: every window judged, the sustained state after each, and run-level notes.</summary>
public sealed record MonitorResult
{
    public required string Model { get; init; }

    public required string Source { get; init; }

    public required string Window { get; init; }

    public long Rows { get; init; }

    public IReadOnlyList<WindowReport> Windows { get; init; } = [];

    /// <summary>Sustained state (after persistence) after each window, in window order.</summary>
    public IReadOnlyList<Severity> States { get; init; } = [];

    /// <summary>The state after the last window.</summary>
    public Severity State { get; init; }

    /// <summary>True when any window ended in the sustained alert state (exit code 1).</summary>
    public bool Alerted { get; init; }

    /// <summary>Judged windows with a drift verdict of their own (a feature or the score drifts), persistence aside: <c>--fail-on drift</c>.</summary>
    public int DriftedWindows { get; init; }

    /// <summary>Judged windows whose own severity is alert (drift, an absent feature, performance below the floor): <c>--fail-on alert</c>.</summary>
    public int AlertingWindows { get; init; }

    /// <summary>Windows too small (or judged against too small a reference) to give any verdict.</summary>
    public int InsufficientWindows { get; init; }

    /// <summary>Run-level findings: unknown feedback ids, sink failures, no data.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}
