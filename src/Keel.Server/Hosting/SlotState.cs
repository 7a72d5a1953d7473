namespace Keel.Server.Hosting;

/// <summary>What one route serves right now: the stable version and, during a canary, the new one and its share.</summary>
internal sealed record SlotState(ServedModel Stable, ServedModel? Canary, double CanaryPercent);
