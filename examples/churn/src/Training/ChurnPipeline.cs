using Keel.Examples.Churn.Features;
using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;
using Microsoft.ML.Trainers.LightGbm;

namespace Keel.Examples.Churn.Training;

/// <summary>One-hot categories, concatenate, then a boosted-tree binary classifier on one thread.</summary>
internal static class ChurnPipeline
{
    public static IEstimator<ITransformer> Build(MLContext ml, TrainSettings settings, int seed)
    {
        ArgumentNullException.ThrowIfNull(ml);
        ArgumentNullException.ThrowIfNull(settings);
        var encoded = FeatureSchema.Categorical.Select(c => new InputOutputColumnPair(c + "_onehot", c)).ToArray();
        var featurize = ml.Transforms.Categorical.OneHotEncoding(encoded)
            .Append(ml.Transforms.Concatenate(
                ChurnData.FeaturesColumn,
                [.. FeatureSchema.Numeric, .. encoded.Select(p => p.OutputColumnName)]));

        return settings.Trainer == "lightgbm"
            ? featurize.Append(ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
            {
                LabelColumnName = ChurnData.LabelColumn,
                FeatureColumnName = ChurnData.FeaturesColumn,
                NumberOfIterations = settings.Trees,
                NumberOfLeaves = settings.Leaves,
                LearningRate = settings.LearningRate,
                MinimumExampleCountPerLeaf = settings.MinLeaf,
                NumberOfThreads = 1,
                Seed = seed,
            }))
            : featurize.Append(ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
            {
                LabelColumnName = ChurnData.LabelColumn,
                FeatureColumnName = ChurnData.FeaturesColumn,
                NumberOfTrees = settings.Trees,
                NumberOfLeaves = settings.Leaves,
                LearningRate = settings.LearningRate,
                MinimumExampleCountPerLeaf = settings.MinLeaf,
                NumberOfThreads = 1,
                Seed = seed,
            }));
    }
}
