using Keel.Objects;
using Keel.Reproduction;
using Microsoft.ML;

namespace Keel.Models.MLNet;

/// <summary>ML.NET models saved with <c>MLContext.Model.Save</c> (a zip holding the transformer chain and its input schema).</summary>
internal sealed class MLNetFlavor : IModelFlavor
{
    public string Name => "mlnet";

    public ILoadedModel Load(string path)
    {
        var ml = new MLContext(seed: 0);
        try
        {
            using var stream = File.OpenRead(path);
            var transformer = ml.Model.Load(stream, out var schema);
            return new MLNetModel(transformer, schema);
        }
        catch (Exception e) when (e is not KeelException and not OutOfMemoryException)
        {
            throw new KeelException($"'{Path.GetFileName(path)}' is not a loadable ML.NET model: {e.Message}", ExitCodes.Usage, e);
        }
    }

    /// <summary>The canonical digest of the zip (<see cref="CanonicalModel"/>, the definition reproduce compares with): timestamps and compression do not matter.</summary>
    public Digest CanonicalDigest(string path)
    {
        try
        {
            using var zip = File.OpenRead(path);
            return CanonicalModel.Digest(zip);
        }
        catch (InvalidDataException e)
        {
            throw new KeelException($"'{Path.GetFileName(path)}' is not a zip file, so not an ML.NET model: {e.Message}", ExitCodes.Usage, e);
        }
    }
}
