namespace Keel.Tracking;

/// <summary>Settings for <see cref="KeelRun.StartAsync(string, KeelRunOptions?, CancellationToken)"/>; every default suits a training script.</summary>
public sealed class KeelRunOptions
{
    /// <summary>The experiment the run belongs to; default none (or <c>KEEL_EXPERIMENT</c>).</summary>
    public string? Experiment { get; set; }

    /// <summary>The workspace folder; default <c>KEEL_WORKSPACE</c>, else the workspace containing the current directory.</summary>
    public string? Workspace { get; set; }

    /// <summary>The seed to hand the code; default <c>KEEL_SEED</c>, else derived from the name and the code.</summary>
    public long? Seed { get; set; }

    /// <summary>Metrics are written in one transaction per this many points (default 1,000; at least 1).</summary>
    public int BatchSize { get; set; } = 1000;

    /// <summary>Buffered metrics older than this are written at the next log call (default 2 s).</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The clock; default the system clock. Tests pass a fake.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "BatchSize must be at least 1");
        if (FlushInterval < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(FlushInterval), FlushInterval, "FlushInterval must not be negative");
    }
}
