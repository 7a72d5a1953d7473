using Keel.Examples.Shared;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Keel.Examples.Penguins.Training;

/// <summary>Loads a prepared CSV for ML.NET.</summary>
internal static class PenguinData
{
    public const string LabelColumn = "Label";
    public const string FeaturesColumn = "Features";

    public static IDataView Load(MLContext ml, string path)
    {
        ArgumentNullException.ThrowIfNull(ml);
        if (!File.Exists(path))
        {
            throw new UsageException($"input file not found: {path}");
        }

        using (var reader = File.OpenText(path))
        {
            if (reader.ReadLine() != string.Join(',', PenguinSchema.Columns))
            {
                throw new DataCheckException($"{path}: header is not the prepare output; expected {string.Join(',', PenguinSchema.Columns)}");
            }
        }

        var columns = PenguinSchema.Columns.Select((name, i) => name switch
        {
            PenguinSchema.Id => new TextLoader.Column(name, DataKind.Int64, i),
            _ when PenguinSchema.Numeric.Contains(name) => new TextLoader.Column(name, DataKind.Single, i),
            _ => new TextLoader.Column(name, DataKind.String, i),
        }).ToArray();
        return ml.Data.CreateTextLoader(columns, separatorChar: ',', hasHeader: true).Load(path);
    }
}
