using Keel.Examples.Churn.Training;
using Keel.Examples.Shared;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Keel.Examples.Churn.Evaluation;

/// <summary><c>evaluate</c>: holdout metrics as one flat JSON object.</summary>
internal static class EvaluateCommand
{
    public static int Run(ArgReader args)
    {
        var modelPath = args.Required("model");
        var holdoutPath = args.Required("holdout");
        var output = args.Required("out");
        args.EnsureAllRead();

        var ml = new MLContext(SeedSource.FromEnvironment());
        var scored = ModelFile.Load(ml, modelPath).Transform(ChurnData.Load(ml, holdoutPath));
        var metrics = ml.BinaryClassification.Evaluate(scored, ChurnData.LabelColumn);
        var probabilities = scored.GetColumn<float>("Probability").ToList();
        var labels = scored.GetColumn<bool>(ChurnData.LabelColumn).ToList();
        var values = new List<KeyValuePair<string, double>>
        {
            new("auc", metrics.AreaUnderRocCurve),
            new("accuracy", metrics.Accuracy),
            new("f1", metrics.F1Score),
            new("precision", metrics.PositivePrecision),
            new("recall", metrics.PositiveRecall),
            new("log_loss", metrics.LogLoss),
            new("ece", CalibrationError.Expected(probabilities, labels)),
            new("rows", labels.Count),
            new("label_rate", labels.Count(l => l) / (double)labels.Count),
        };
        JsonFile.WriteMetrics(output, values);
        Console.Error.WriteLine($"evaluate: auc {metrics.AreaUnderRocCurve:0.0000}, accuracy {metrics.Accuracy:0.0000} -> {output}");
        return 0;
    }
}
