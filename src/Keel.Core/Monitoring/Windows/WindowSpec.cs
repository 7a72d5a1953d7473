using System.Globalization;
using System.Text.RegularExpressions;

namespace Keel.Monitoring;

/// <summary>How predictions are cut into windows: a fixed number of rows, or a fixed span of prediction time.</summary>
public readonly partial record struct WindowSpec(int? Rows, TimeSpan? Span)
{
    /// <summary>The default: 10,000 rows.</summary>
    public static WindowSpec Default => new(10_000, null);

    /// <summary>Parses <c>10000rows</c>, <c>30m</c>, <c>1h</c>, <c>1d</c> or <c>1w</c>.</summary>
    public static WindowSpec Parse(string text)
    {
        Match m = Pattern().Match(text?.Trim() ?? "");
        if (!m.Success || !long.TryParse(m.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n <= 0 || n > int.MaxValue)
        {
            throw new KeelException($"'{text}' is not a window; write a row count such as 10000rows or a duration such as 30m, 1h, 1d");
        }

        return m.Groups[2].Value switch
        {
            "rows" => new WindowSpec((int)n, null),
            "s" => new WindowSpec(null, TimeSpan.FromSeconds(n)),
            "m" => new WindowSpec(null, TimeSpan.FromMinutes(n)),
            "h" => new WindowSpec(null, TimeSpan.FromHours(n)),
            "d" => new WindowSpec(null, TimeSpan.FromDays(n)),
            _ => new WindowSpec(null, TimeSpan.FromDays(7 * n)),
        };
    }

    /// <inheritdoc/>
    public override string ToString() => Rows is int r ? $"{r}rows" : $"{Span!.Value.TotalMinutes.ToString(CultureInfo.InvariantCulture)}m";

    [GeneratedRegex("^([0-9]+)\\s*(rows|s|m|h|d|w)$")]
    private static partial Regex Pattern();
}
