using Keel.Examples.Shared;

namespace Keel.Examples.Churn.Features;

/// <summary>Fill values learnt from the training split only: medians for numbers, modes for categories.</summary>
internal sealed class Imputer
{
    private readonly Dictionary<string, string> _fill = new(StringComparer.Ordinal);

    public Imputer(CsvTable table, IEnumerable<string[]> trainRows)
    {
        ArgumentNullException.ThrowIfNull(table);
        var rows = trainRows.ToList();
        foreach (var column in CustomerSchema.Numeric)
        {
            var i = table.Column(column);
            var values = rows.Select(r => CsvTable.Number(r[i])).OfType<double>().Order().ToList();
            _fill[column] = values.Count == 0 ? "0" : CsvTable.Format(Median(values));
        }

        foreach (var column in CustomerSchema.Categorical)
        {
            var i = table.Column(column);
            _fill[column] = rows.Select(r => r[i]).Where(v => v.Length > 0)
                .GroupBy(v => v, StringComparer.Ordinal)
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => g.Key).FirstOrDefault() ?? "unknown";
        }
    }

    public IReadOnlyDictionary<string, string> FillValues => _fill;

    public string Fill(string column, string cell) => cell.Length > 0 ? cell : _fill[column];

    private static double Median(List<double> sorted) =>
        sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}
