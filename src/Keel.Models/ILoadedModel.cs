using Keel.Registry;

namespace Keel.Models;

/// <summary>A model in memory, safe to call from many threads at once.</summary>
public interface ILoadedModel : IDisposable
{
    /// <summary>The flavor that loaded it.</summary>
    string Flavor { get; }

    /// <summary>The input fields the model needs, in the order <see cref="Predict"/> takes values.</summary>
    IReadOnlyList<(string Name, FieldType Type)> Inputs { get; }

    /// <summary>The output names, in the order <see cref="Predict"/> returns values.</summary>
    IReadOnlyList<string> Outputs { get; }

    /// <summary>
    /// Predicts a batch. Each row holds one value per input: double (NaN when missing), string
    /// or bool. Each result holds one value per output: double, bool, string or double[].
    /// </summary>
    object?[][] Predict(IReadOnlyList<object?[]> rows);
}
