using Keel.Examples.Penguins.Evaluation;
using Keel.Examples.Penguins.Preparation;
using Keel.Examples.Penguins.Training;
using Keel.Examples.Shared;

namespace Keel.Examples.Penguins;

internal static class Program
{
    public static int Main(string[] args) => CommandHost.Run("penguins", args, new Dictionary<string, Func<ArgReader, int>>
    {
        ["prepare"] = PrepareCommand.Run,
        ["train"] = TrainCommand.Run,
        ["evaluate"] = EvaluateCommand.Run,
    });
}
