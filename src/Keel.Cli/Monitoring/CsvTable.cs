using System.Text;

namespace Keel.Cli.Monitoring;

/// <summary>A CSV file read into columns of text (RFC 4180 quoting; empty cells are missing; header names as <see cref="Keel.Registry.CsvHeader"/> reads them).</summary>
internal sealed class CsvTable
{
    private CsvTable(string path, string[] header, string?[][] columns, int rows)
    {
        Path = path;
        Header = header;
        Columns = columns;
        Rows = rows;
    }

    public string Path { get; }

    public string[] Header { get; }

    public string?[][] Columns { get; }

    public int Rows { get; }

    public string?[]? Column(string name) => Array.IndexOf(Header, name) is var i and >= 0 ? Columns[i] : null;

    public static CsvTable Read(string path)
    {
        if (!File.Exists(path))
            throw new KeelException($"{path} does not exist; pass a CSV file with a header row");
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16);
        var fields = new List<string>();
        if (!ReadRecord(reader, fields))
            throw new KeelException($"{path} is empty; a CSV with a header row is needed");
        int width = fields.Count;
        var (header, dropFirst) = Keel.Registry.CsvHeader.Read(fields, path);
        int skip = dropFirst ? 1 : 0;
        var dup = header.GroupBy(h => h).FirstOrDefault(g => g.Count() > 1);
        if (dup is not null)
            throw new KeelException($"{path}: column '{dup.Key}' appears twice in the header");
        var columns = header.Select(_ => new List<string?>()).ToArray();
        int line = 1;
        while (ReadRecord(reader, fields))
        {
            line++;
            if (fields.Count == 1 && fields[0].Length == 0) continue;
            if (fields.Count != width)
                throw new KeelException($"{path}:{line}: {fields.Count} fields where the header has {width}; fix the row or the quoting");
            for (int c = 0; c < header.Length; c++) columns[c].Add(fields[c + skip].Length == 0 ? null : fields[c + skip]);
        }
        return new CsvTable(path, header, [.. columns.Select(c => c.ToArray())], columns.Length == 0 ? 0 : columns[0].Count);
    }

    private static bool ReadRecord(StreamReader reader, List<string> fields)
    {
        fields.Clear();
        if (reader.Peek() < 0) return false;
        var field = new StringBuilder();
        bool quoted = false;
        while (true)
        {
            int ch = reader.Read();
            if (ch < 0) { fields.Add(field.ToString()); return true; }
            char c = (char)ch;
            if (quoted)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"') { field.Append('"'); reader.Read(); }
                    else quoted = false;
                }
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else if (c == '\n') { fields.Add(field.ToString().TrimEnd('\r')); return true; }
            else field.Append(c);
        }
    }
}
