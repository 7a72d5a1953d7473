using Microsoft.ML;
using Microsoft.ML.Trainers;
using Microsoft.ML.Trainers.LightGbm;

namespace Keel.Examples.Penguins.Training;

/// <summary>Species as key, one-hot island and sex, standardised features, then a one-thread multiclass trainer.</summary>
internal static class PenguinPipeline
{
    public static IEstimator<ITransformer> Build(MLContext ml, TrainSettings settings, int seed)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(settings);
        var encoded = PenguinSchema.Categorical.Select(c => new InputOutputColumnPair(c + "_onehot", c)).ToArray();
        var features = ml.Transforms.Conversion.MapValueToKey(PenguinData.LabelColumn, PenguinSchema.Label)
            .Append(ml.Transforms.Categorical.OneHotEncoding(encoded))
            .Append(ml.Transforms.Concatenate(
                PenguinData.FeaturesColumn,
                [.. PenguinSchema.Numeric, .. encoded.Select(p => p.OutputColumnName)]))
            .Append(ml.Transforms.NormalizeMeanVariance(PenguinData.FeaturesColumn));

        IEstimator<ITransformer> trainer = settings.Trainer == "lightgbm"
            ? ml.MulticlassClassification.Trainers.LightGbm(new LightGbmMulticlassTrainer.Options
            {
                LabelColumnName = PenguinData.LabelColumn,
                FeatureColumnName = PenguinData.FeaturesColumn,
                NumberOfIterations = settings.Iterations,
                NumberOfLeaves = settings.Leaves,
                LearningRate = settings.LearningRate,
                MinimumExampleCountPerLeaf = settings.MinLeaf,
                NumberOfThreads = 1,
                Seed = seed,
            })
            : ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options
            {
                LabelColumnName = PenguinData.LabelColumn,
                FeatureColumnName = PenguinData.FeaturesColumn,
                MaximumNumberOfIterations = settings.Iterations,
                L2Regularization = (float)settings.L2,
                NumberOfThreads = 1,
            });

        return features.Append(trainer)
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedSpecies", "PredictedLabel"));
    }
}
