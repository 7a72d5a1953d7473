using System.Globalization;
using System.Text.RegularExpressions;

namespace Keel.Datasets;

/// <summary>A parsed <c>name@version</c> (or <c>name</c>, <c>name@latest</c>): the latest when Version is null.</summary>
public readonly partial record struct DatasetRef(string Name, int? Version)
{
    public static DatasetRef Parse(string text)
    {
        var at = text.LastIndexOf('@');
        var name = at < 0 ? text : text[..at];
        ValidateName(name);
        if (at < 0) return new DatasetRef(name, null);
        var v = text[(at + 1)..];
        if (v == "latest") return new DatasetRef(name, null);
        if (int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0) return new DatasetRef(name, n);
        throw new KeelException($"'{text}': the version after '@' must be a positive number or 'latest', as in {name}@1");
    }

    public static void ValidateName(string name)
    {
        if (!NamePattern().IsMatch(name))
            throw new KeelException($"'{name}' is not a valid name: use letters, digits, '.', '_' or '-', starting with a letter or digit (at most 128)");
    }

    /// <summary>A name derived from a path: its last component without extension, made valid.</summary>
    public static string NameFromPath(string relativePath)
    {
        var last = relativePath.TrimEnd('/').Split('/')[^1];
        var stem = last.Contains('.', StringComparison.Ordinal) && !last.StartsWith('.') ? Path.GetFileNameWithoutExtension(last) : last;
        var cleaned = Regex.Replace(stem, "[^A-Za-z0-9._-]", "-").Trim('-', '.');
        return cleaned.Length == 0 ? "data" : cleaned.Length > 128 ? cleaned[..128] : cleaned;
    }

    public override string ToString() => Version is null ? Name : $"{Name}@{Version}";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")]
    private static partial Regex NamePattern();
}
