using Keel.Objects;
using Microsoft.ML.OnnxRuntime;

namespace Keel.Models.Onnx;

/// <summary>ONNX models from any trainer (ML.NET's converter, scikit-learn, PyTorch exports), run by ONNX Runtime on the CPU.</summary>
internal sealed class OnnxFlavor : IModelFlavor
{
    public string Name => "onnx";

    public ILoadedModel Load(string path)
    {
        try
        {
            var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 };
            return new OnnxModel(new InferenceSession(path, options));
        }
        catch (OnnxRuntimeException e)
        {
            throw new KeelException($"'{Path.GetFileName(path)}' is not a loadable ONNX model: {e.Message}", ExitCodes.Usage, e);
        }
    }

    /// <summary>The protobuf bytes are the model; ONNX files carry no timestamps.</summary>
    public Digest CanonicalDigest(string path) => ContentHasher.HashFile(path);
}
