using System.Globalization;

namespace Keel.Examples.Shared;

/// <summary>Reads `--name value` pairs; every option takes exactly one value.</summary>
internal sealed class ArgReader
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public ArgReader(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        for (var i = 0; i < args.Count; i += 2)
        {
            var name = args[i];
            if (!name.StartsWith("--", StringComparison.Ordinal) || name.Length < 3)
            {
                throw new UsageException($"expected an option like --name, got '{name}'");
            }

            if (i + 1 >= args.Count)
            {
                throw new UsageException($"option {name} needs a value");
            }

            if (!_values.TryAdd(name[2..], args[i + 1]))
            {
                throw new UsageException($"option {name} given twice");
            }
        }
    }

    public string Required(string name) =>
        Optional(name) ?? throw new UsageException($"missing required option --{name}");

    public string? Optional(string name)
    {
        _read.Add(name);
        return _values.TryGetValue(name, out var value) ? value : null;
    }

    public long Int64(string name, long fallback) =>
        Optional(name) is { } text ? ParseInt64(name, text) : fallback;

    public long RequiredInt64(string name) => ParseInt64(name, Required(name));

    public double Double(string name, double fallback)
    {
        var text = Optional(name);
        if (text is null)
        {
            return fallback;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new UsageException($"--{name} must be a number, got '{text}'");
    }

    /// <summary>Fails on options nobody asked for, so a typo never goes unnoticed.</summary>
    public void EnsureAllRead()
    {
        var unknown = _values.Keys.Where(k => !_read.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException($"unknown option(s): {string.Join(", ", unknown.Select(u => "--" + u))}");
        }
    }

    private static long ParseInt64(string name, string text) =>
        long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new UsageException($"--{name} must be an integer, got '{text}'");
}
