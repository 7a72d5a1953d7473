using Keel.Examples.Penguins.Training;
using Keel.Examples.Shared;
using Microsoft.ML;

namespace Keel.Examples.Penguins.Evaluation;

/// <summary><c>evaluate</c>: holdout macro/micro accuracy and log-loss as one flat JSON object.</summary>
internal static class EvaluateCommand
{
    public static int Run(ArgReader args)
    {
        var modelPath = args.Required("model");
        var holdoutPath = args.Required("holdout");
        var output = args.Required("out");
        args.EnsureAllRead();
        if (!File.Exists(modelPath))
        {
            throw new UsageException($"model file not found: {modelPath}");
        }

        var ml = new MLContext(SeedSource.FromEnvironment());
        var model = ml.Model.Load(modelPath, out _);
        var scored = model.Transform(PenguinData.Load(ml, holdoutPath));
        var metrics = ml.MulticlassClassification.Evaluate(scored, PenguinData.LabelColumn);
        JsonFile.WriteMetrics(output,
        [
            new("macro_accuracy", metrics.MacroAccuracy),
            new("micro_accuracy", metrics.MicroAccuracy),
            new("log_loss", metrics.LogLoss),
            new("log_loss_reduction", metrics.LogLossReduction),
        ]);
        Console.Error.WriteLine($"evaluate: macro accuracy {metrics.MacroAccuracy:0.0000}, log-loss {metrics.LogLoss:0.0000} -> {output}");
        return 0;
    }
}
