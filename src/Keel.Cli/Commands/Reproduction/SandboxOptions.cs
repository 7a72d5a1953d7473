using System.CommandLine;
using System.Globalization;
using Keel.Reproduction;

namespace Keel.Cli.Commands.Reproduction;

/// <summary><c>--trust-code</c>, <c>--time-limit</c> and <c>--memory-limit</c>, shared by reproduce and verify.</summary>
internal static class SandboxOptions
{
    public static (Option<bool> Trust, Option<string?> Time, Option<string?> Memory) Create() =>
    (
        new Option<bool>("--trust-code") { Description = "run code that came from a bundle unconfined, with your permissions (default: only inside a sandbox)" },
        new Option<string?>("--time-limit") { Description = "wall-clock limit per sandboxed step (default 2h): 30s, 10m, 1h" },
        new Option<string?>("--memory-limit") { Description = "memory limit per sandboxed process (default 8G): 512M, 8G" }
    );

    public static ReproduceOptions Read(ParseResult parse, ReproduceOptions options, Option<bool> trust, Option<string?> time, Option<string?> memory)
    {
        var limits = SandboxLimits.Default;
        if (parse.GetValue(time) is { } t)
        {
            var span = Durations.Parse(t, "--time-limit");
            if (span <= TimeSpan.Zero) throw new KeelException("--time-limit must be more than 0; write e.g. 30m");
            limits = limits with { Time = span };
        }
        if (parse.GetValue(memory) is { } m) limits = limits with { MemoryBytes = Bytes(m) };
        return options with { TrustCode = parse.GetValue(trust), Limits = limits };
    }

    private static long Bytes(string text)
    {
        var unit = text.Length > 0 ? char.ToUpperInvariant(text[^1]) : ' ';
        var shift = unit switch { 'K' => 10, 'M' => 20, 'G' => 30, _ => 0 };
        var digits = shift == 0 ? text : text[..^1];
        if (long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 && n < (long.MaxValue >> shift))
            return n << shift;
        throw new KeelException($"--memory-limit '{text}' is not a size; write a number and a unit: 512M, 8G");
    }
}
