namespace Keel.Monitoring;

/// <summary>When window severities become an alert: persistence (k of the last n windows) and a cooldown.</summary>
public sealed record AlertPolicy
{
    /// <summary>Alerting windows needed among the last <see cref="Of"/>; default 2.</summary>
    public int Alerts { get; init; } = 2;

    /// <summary>Window span of the persistence rule; default 3 (2 of the last 3).</summary>
    public int Of { get; init; } = 3;

    /// <summary>Windows after a notification during which a continuing alert is not notified again; default 3.</summary>
    public int CooldownWindows { get; init; } = 3;

    internal void Validate()
    {
        if (Alerts < 1 || Of < Alerts || CooldownWindows < 0)
        {
            throw new KeelException($"alert persistence must be 1 <= alerts <= of and cooldown >= 0, got {Alerts} of {Of}, cooldown {CooldownWindows}");
        }
    }
}
