using System.Text;

namespace Keel.Registry;

/// <summary>A CSV file with a header, held as strings (RFC 4180 quoting); typed once at the edge by callers.</summary>
public sealed class CsvTable
{
    private readonly Dictionary<string, int> _index;

    public CsvTable(IReadOnlyList<string> columns, IReadOnlyList<string[]> rows)
    {
        Columns = columns;
        Rows = rows;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < columns.Count; i++) _index.TryAdd(columns[i], i);
    }

    public IReadOnlyList<string> Columns { get; }

    public IReadOnlyList<string[]> Rows { get; }

    public int IndexOf(string column) => _index.TryGetValue(column, out var i) ? i : -1;

    public static CsvTable Read(Stream stream, string displayName)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var fields = ReadRecord(reader) ?? throw new KeelException($"{displayName} is empty; a CSV with a header row is needed");
        var (header, dropFirst) = CsvHeader.Read(fields, displayName);
        var rows = new List<string[]>();
        var line = 1;
        while (ReadRecord(reader) is { } record)
        {
            line++;
            if (record.Length == 1 && record[0].Length == 0) continue;
            if (record.Length != fields.Length)
                throw new KeelException($"{displayName}:{line}: {record.Length} fields where the header has {fields.Length}; fix the row");
            rows.Add(dropFirst ? record[1..] : record);
        }
        return new CsvTable(header, rows);
    }

    public static CsvTable ReadFile(string path) => Read(File.OpenRead(path), path);

    private static string[]? ReadRecord(StreamReader reader)
    {
        if (reader.Peek() < 0) return null;
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        while (true)
        {
            var c = reader.Read();
            if (c < 0) break;
            if (quoted)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"') { reader.Read(); field.Append('"'); }
                    else quoted = false;
                }
                else field.Append((char)c);
                continue;
            }
            if (c == '"' && field.Length == 0) { quoted = true; continue; }
            if (c == ',') { fields.Add(field.ToString()); field.Clear(); continue; }
            if (c == '\r') continue;
            if (c == '\n') break;
            field.Append((char)c);
        }
        fields.Add(field.ToString());
        return [.. fields];
    }
}
