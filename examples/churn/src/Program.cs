using Keel.Examples.Churn.Evaluation;
using Keel.Examples.Churn.Features;
using Keel.Examples.Churn.Generation;
using Keel.Examples.Churn.Prediction;
using Keel.Examples.Churn.Training;
using Keel.Examples.Churn.Validation;
using Keel.Examples.Shared;

namespace Keel.Examples.Churn;

internal static class Program
{
    public static int Main(string[] args) => CommandHost.Run("churn", args, new Dictionary<string, Func<ArgReader, int>>
    {
        ["generate"] = GenerateCommand.Run,
        ["validate"] = ValidateCommand.Run,
        ["featurize"] = FeaturizeCommand.Run,
        ["train"] = TrainCommand.Run,
        ["evaluate"] = EvaluateCommand.Run,
        ["predict"] = PredictCommand.Run,
    });
}
