using System.Globalization;

namespace Keel.Cli;

/// <summary>Parses durations like <c>90s</c>, <c>10m</c>, <c>1h</c>, <c>2d</c>.</summary>
internal static class Durations
{
    public static TimeSpan Parse(string text, string option)
    {
        if (text.Length >= 2 && double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n >= 0)
        {
            switch (text[^1])
            {
                case 's': return TimeSpan.FromSeconds(n);
                case 'm': return TimeSpan.FromMinutes(n);
                case 'h': return TimeSpan.FromHours(n);
                case 'd': return TimeSpan.FromDays(n);
            }
        }
        throw new KeelException($"{option} '{text}' is not a duration; write a number and a unit: 30s, 10m, 1h, 2d");
    }
}
