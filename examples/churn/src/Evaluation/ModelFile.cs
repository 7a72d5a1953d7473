using Keel.Examples.Shared;
using Microsoft.ML;

namespace Keel.Examples.Churn.Evaluation;

/// <summary>Loads a saved model, with a user-facing error when the path is wrong.</summary>
internal static class ModelFile
{
    public static ITransformer Load(MLContext ml, string path)
    {
        ArgumentNullException.ThrowIfNull(ml);
        if (!File.Exists(path))
        {
            throw new UsageException($"model file not found: {path}");
        }

        return ml.Model.Load(path, out _);
    }
}
