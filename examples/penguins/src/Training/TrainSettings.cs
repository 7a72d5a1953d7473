using Keel.Examples.Shared;

namespace Keel.Examples.Penguins.Training;

/// <summary>The train.* params, validated once.</summary>
internal sealed record TrainSettings(string Trainer, int Iterations, double L2, int Leaves, double LearningRate, int MinLeaf)
{
    public static TrainSettings From(ParamsFile parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var settings = new TrainSettings(
            parameters.String("train.trainer", "sdca"),
            parameters.Int32("train.iterations", 100),
            parameters.Double("train.l2", 0.01),
            parameters.Int32("train.leaves", 8),
            parameters.Double("train.learning_rate", 0.1),
            parameters.Int32("train.min_leaf", 5));
        if (settings.Trainer is not ("sdca" or "lightgbm"))
        {
            throw new UsageException($"train.trainer must be sdca or lightgbm, got '{settings.Trainer}'");
        }

        if (settings.Iterations < 1 || settings.L2 < 0 || settings.Leaves < 2 || settings.MinLeaf < 1 || settings.LearningRate is <= 0 or > 1)
        {
            throw new UsageException("train params out of range: iterations >= 1, l2 >= 0, leaves >= 2, min_leaf >= 1, 0 < learning_rate <= 1");
        }

        return settings;
    }
}
