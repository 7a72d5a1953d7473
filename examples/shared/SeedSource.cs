using System.Globalization;

namespace Keel.Examples.Shared;

/// <summary>The seed Keel hands to a stage through KEEL_SEED.</summary>
internal static class SeedSource
{
    public const int DefaultSeed = 42;

    public static int FromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable("KEEL_SEED");
        if (string.IsNullOrWhiteSpace(text))
        {
            return DefaultSeed;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed)
            ? seed
            : throw new UsageException($"KEEL_SEED must be an integer, got '{text}'");
    }
}
