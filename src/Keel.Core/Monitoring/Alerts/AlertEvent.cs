namespace Keel.Monitoring;

/// <summary>What sinks receive after each window: the state after persistence, and whether to notify.</summary>
/// <param name="Model">Monitored model (or the name given to keel monitor).</param>
/// <param name="Window">The window just judged.</param>
/// <param name="State">Severity after persistence: alert only when sustained.</param>
/// <param name="Notify">True when this state change should reach people (not within a cooldown).</param>
/// <param name="Time">When it was decided.</param>
public sealed record AlertEvent(string Model, WindowReport Window, Severity State, bool Notify, DateTimeOffset Time);
