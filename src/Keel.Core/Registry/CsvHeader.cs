namespace Keel.Registry;

/// <summary>
/// How every CSV reader reads a header's names: trimmed; an unnamed first column (pandas' default
/// <c>to_csv</c> writes <c>,a,b</c>; read back and written again it is <c>Unnamed: 0</c>) is a row index and is
/// dropped, as <c>read_csv(index_col=0)</c> would; any other unnamed column is refused with the column's position.
/// </summary>
public static class CsvHeader
{
    /// <summary>The names to keep, and whether the file's first column is a row index to drop from every record.</summary>
    public static (string[] Names, bool DropFirst) Read(IReadOnlyList<string> fields, string displayName)
    {
        ArgumentNullException.ThrowIfNull(fields);
        string[] names = [.. fields.Select(f => f.Trim())];
        bool dropFirst = names.Length > 1 && (names[0].Length == 0 || names[0] == "Unnamed: 0");
        for (int i = dropFirst ? 1 : 0; i < names.Length; i++)
        {
            if (names[i].Length == 0)
            {
                throw new KeelException(
                    $"{displayName}:1: column {i + 1} of the header has no name; name it or remove the column (only an unnamed first column is read, as a row index)");
            }
        }

        return (dropFirst ? names[1..] : names, dropFirst);
    }
}
