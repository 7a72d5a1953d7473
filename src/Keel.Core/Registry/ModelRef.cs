using System.Globalization;
using System.Text.RegularExpressions;

namespace Keel.Registry;

/// <summary>A model reference as users write it: <c>name</c>, <c>name@N</c>, <c>name@vN</c>, <c>name@latest</c> or <c>name@alias</c>.</summary>
public sealed partial record ModelRef(string Name, int? Version, string? Alias)
{
    public static ModelRef Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var at = text.IndexOf('@', StringComparison.Ordinal);
        var name = at < 0 ? text : text[..at];
        ValidateName(name);
        if (at < 0) return new ModelRef(name, null, null);
        var rest = text[(at + 1)..];
        if (rest is "latest") return new ModelRef(name, null, null);
        if (int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0) return new ModelRef(name, n, null);
        if (VersionAlias().IsMatch(rest)) return new ModelRef(name, int.Parse(rest[1..], CultureInfo.InvariantCulture), null);
        if (!AliasName().IsMatch(rest))
            throw new KeelException($"'{text}' is not a model reference; write NAME, NAME@N, NAME@latest or NAME@ALIAS");
        return new ModelRef(name, null, rest);
    }

    public static void ValidateName(string name)
    {
        if (!ModelName().IsMatch(name))
            throw new KeelException($"'{name}' is not a valid model name; use letters, digits, '.', '_' or '-', starting with a letter or digit");
    }

    /// <summary>Refuses names MLflow reserves (<c>latest</c>, <c>vN</c>) and malformed ones.</summary>
    public static void ValidateAlias(string alias)
    {
        if (alias == "latest" || VersionAlias().IsMatch(alias))
            throw new KeelException($"'{alias}' is reserved (latest and vN always mean a version); choose another alias, e.g. production or staging");
        if (!AliasName().IsMatch(alias))
            throw new KeelException($"'{alias}' is not a valid alias; use lower-case letters, digits, '_' or '-', starting with a letter");
    }

    public override string ToString() => Version is { } v ? $"{Name}@{v}" : Alias is { } a ? $"{Name}@{a}" : Name;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")]
    private static partial Regex ModelName();

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,63}$")]
    private static partial Regex AliasName();

    [GeneratedRegex("^v[0-9]+$")]
    private static partial Regex VersionAlias();
}
