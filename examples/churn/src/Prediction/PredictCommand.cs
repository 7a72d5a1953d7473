using Keel.Examples.Churn.Evaluation;
using Keel.Examples.Churn.Training;
using Keel.Examples.Shared;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Keel.Examples.Churn.Prediction;

/// <summary>
/// <c>predict</c>: scores a probe set (featurized rows, e.g. holdout.csv) and writes one line per
/// row with round-trip floats, so reproductions can compare scores within a tolerance.
/// </summary>
internal static class PredictCommand
{
    public static int Run(ArgReader args)
    {
        var modelPath = args.Required("model");
        var input = args.Required("in");
        var output = args.Required("out");
        args.EnsureAllRead();

        var ml = new MLContext(SeedSource.FromEnvironment());
        var scored = ModelFile.Load(ml, modelPath).Transform(ChurnData.Load(ml, input));
        var ids = scored.GetColumn<long>(CustomerSchema.Id).ToList();
        var scores = scored.GetColumn<float>("Score").ToList();
        var probabilities = scored.GetColumn<float>("Probability").ToList();
        var predicted = scored.GetColumn<bool>("PredictedLabel").ToList();
        var rows = ids.Select((id, i) => new[]
        {
            CsvTable.Format(id),
            CsvTable.Format(scores[i]),
            CsvTable.Format(probabilities[i]),
            predicted[i] ? "1" : "0",
        });
        CsvTable.Write(output, [CustomerSchema.Id, "score", "probability", "predicted_label"], rows);
        Console.Error.WriteLine($"predict: {ids.Count} rows -> {output}");
        return 0;
    }
}
