using Keel.Examples.Shared;

namespace Keel.Examples.Churn.Training;

/// <summary>The train.* params, validated once.</summary>
internal sealed record TrainSettings(string Trainer, int Trees, int Leaves, double LearningRate, int MinLeaf)
{
    public static TrainSettings From(ParamsFile parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var settings = new TrainSettings(
            parameters.String("train.trainer", "fasttree"),
            parameters.Int32("train.trees", 200),
            parameters.Int32("train.leaves", 20),
            parameters.Double("train.learning_rate", 0.1),
            parameters.Int32("train.min_leaf", 20));
        if (settings.Trainer is not ("fasttree" or "lightgbm"))
        {
            throw new UsageException($"train.trainer must be fasttree or lightgbm, got '{settings.Trainer}'");
        }

        if (settings.Trees < 1 || settings.Leaves < 2 || settings.MinLeaf < 1 || settings.LearningRate is <= 0 or > 1)
        {
            throw new UsageException("train params out of range: trees >= 1, leaves >= 2, min_leaf >= 1, 0 < learning_rate <= 1");
        }

        return settings;
    }
}
