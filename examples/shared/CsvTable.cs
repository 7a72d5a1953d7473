using System.Globalization;
using System.Text;

namespace Keel.Examples.Shared;

/// <summary>
/// A small CSV file with a header. The examples write no quotes or commas inside values, so a
/// plain split is the whole grammar; a quote in the input is refused rather than misread.
/// </summary>
internal sealed class CsvTable
{
    private readonly Dictionary<string, int> _index;

    private CsvTable(string path, string[] header, List<string[]> rows)
    {
        Path = path;
        Header = header;
        Rows = rows;
        _index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < header.Length; i++)
        {
            if (!_index.TryAdd(header[i], i))
            {
                throw new DataCheckException($"{path}: column '{header[i]}' appears twice in the header");
            }
        }
    }

    public string Path { get; }

    public IReadOnlyList<string> Header { get; }

    public IReadOnlyList<string[]> Rows { get; }

    public static CsvTable Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"input file not found: {path}");
        }

        using var reader = new StreamReader(path, Encoding.UTF8);
        var headerLine = reader.ReadLine() ?? throw new DataCheckException($"{path}: file is empty, expected a header line");
        var header = headerLine.Split(',');
        var rows = new List<string[]>();
        var lineNumber = 1;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            if (line.Contains('"', StringComparison.Ordinal))
            {
                throw new DataCheckException($"{path}:{lineNumber}: quoted fields are not supported");
            }

            var cells = line.Split(',');
            if (cells.Length != header.Length)
            {
                throw new DataCheckException(
                    $"{path}:{lineNumber}: {cells.Length} fields, the header has {header.Length}");
            }

            rows.Add(cells);
        }

        return new CsvTable(path, header, rows);
    }

    public bool Has(string column) => _index.ContainsKey(column);

    public int Column(string column) =>
        _index.TryGetValue(column, out var i)
            ? i
            : throw new DataCheckException($"{Path}: missing column '{column}'");

    /// <summary>Parses a numeric cell; blank means missing.</summary>
    public static double? Number(string cell) =>
        cell.Length == 0
            ? null
            : double.Parse(cell, NumberStyles.Float, CultureInfo.InvariantCulture);

    public static string Format(double value, int decimals) =>
        Math.Round(value, decimals, MidpointRounding.AwayFromZero).ToString("0.#########", CultureInfo.InvariantCulture);

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Writes with LF line ends and no BOM, through a temp file, so output bytes depend only on the rows.</summary>
    public static void Write(string path, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var temp = path + ".tmp";
        using (var writer = new StreamWriter(temp, append: false, new UTF8Encoding(false)) { NewLine = "\n" })
        {
            writer.WriteLine(string.Join(',', header));
            foreach (var row in rows)
            {
                writer.WriteLine(string.Join(',', row));
            }
        }

        File.Move(temp, path, overwrite: true);
    }
}
