namespace Keel;

/// <summary>Who and where: recorded with every version and run.</summary>
public static class Agent
{
    public static string User { get; } = Environment.GetEnvironmentVariable("KEEL_USER") is { Length: > 0 } u ? u : Environment.UserName;

    public static string Host { get; } = Environment.MachineName;
}
