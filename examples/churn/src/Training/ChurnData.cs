using Keel.Examples.Churn.Features;
using Keel.Examples.Shared;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Keel.Examples.Churn.Training;

/// <summary>Loads a featurized CSV (train.csv, holdout.csv or a probe set with the same header) for ML.NET.</summary>
internal static class ChurnData
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
            var header = reader.ReadLine() ?? string.Empty;
            if (header != string.Join(',', FeatureSchema.Columns))
            {
                throw new DataCheckException($"{path}: header is not the featurize output; expected {string.Join(',', FeatureSchema.Columns)}");
            }
        }

        var columns = new List<TextLoader.Column> { new(CustomerSchema.Id, DataKind.Int64, 0) };
        for (var i = 1; i < FeatureSchema.Columns.Length; i++)
        {
            var name = FeatureSchema.Columns[i];
            columns.Add(name == CustomerSchema.Label
                ? new TextLoader.Column(LabelColumn, DataKind.Boolean, i)
                : new TextLoader.Column(name, FeatureSchema.Categorical.Contains(name) ? DataKind.String : DataKind.Single, i));
        }

        var loader = ml.Data.CreateTextLoader(columns.ToArray(), separatorChar: ',', hasHeader: true);
        return loader.Load(path);
    }
}
