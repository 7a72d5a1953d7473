using System.Globalization;

namespace Keel.Datasets;

/// <summary>A parsed <c>name@version</c> (or <c>name</c>, <c>name@latest</c>): the latest when Version is null.</summary>
public readonly record struct DatasetRef(string Name, int? Version)
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

    /// <summary>
    /// Letters, digits, '.', '_' and '-' (ASCII), starting with a letter or digit, at most 128.
    /// Plain loops, not a regular expression: every add and checkout pays this check, and a
    /// regex's first use costs milliseconds.
    /// </summary>
    public static void ValidateName(string name)
    {
        if (!IsValidName(name))
            throw new KeelException($"'{name}' is not a valid name: use letters, digits, '.', '_' or '-', starting with a letter or digit (at most 128)");
    }

    /// <summary>A name derived from a path: its last component without extension, made valid.</summary>
    public static string NameFromPath(string relativePath)
    {
        var last = relativePath.TrimEnd('/').Split('/')[^1];
        var stem = last.Contains('.', StringComparison.Ordinal) && !last.StartsWith('.') ? Path.GetFileNameWithoutExtension(last) : last;
        var cleaned = string.Create(stem.Length, stem, static (chars, source) =>
        {
            for (var i = 0; i < source.Length; i++) chars[i] = IsNameChar(source[i]) ? source[i] : '-';
        }).Trim('-', '.');
        return cleaned.Length == 0 ? "data" : cleaned.Length > 128 ? cleaned[..128] : cleaned;
    }

    private static bool IsValidName(string name)
    {
        if (name.Length is 0 or > 128 || !char.IsAsciiLetterOrDigit(name[0])) return false;
        foreach (var c in name)
        {
            if (!IsNameChar(c)) return false;
        }
        return true;
    }

    private static bool IsNameChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-';

    public override string ToString() => Version is null ? Name : $"{Name}@{Version}";
}
