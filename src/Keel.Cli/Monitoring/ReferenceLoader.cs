using Keel.Monitoring.Profiles;

namespace Keel.Cli.Monitoring;

/// <summary>Loads a reference: a saved profile (.json) or a CSV of training data profiled on the spot.</summary>
internal static class ReferenceLoader
{
    public static ReferenceProfile Load(string path, CsvColumns columns)
    {
        if (path.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            if (!File.Exists(path)) throw new KeelException($"{path} does not exist; pass a profile saved with --save-profile or a CSV");
            return ReferenceProfile.FromJson(File.ReadAllBytes(path));
        }
        CsvTable table = CsvTable.Read(path);
        if (table.Rows == 0) throw new KeelException($"{path} has a header but no rows; a reference needs data");
        var data = table.Header.Select(h => DataColumn.OfTexts(h, table.Column(h)!)).ToList();
        var roles = new ReferenceColumns
        {
            Ignore = new HashSet<string>(table.Header.Where(h => !columns.IsFeature(h) && h != columns.Score && h != columns.Label), StringComparer.Ordinal),
            Score = table.Column(columns.Score) is null ? null : columns.Score,
            Label = table.Column(columns.Label) is null ? null : columns.Label,
        };
        return ReferenceProfileBuilder.Build(data, roles, path);
    }
}
