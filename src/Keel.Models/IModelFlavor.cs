using Keel.Objects;

namespace Keel.Models;

/// <summary>One kind of model file (ML.NET zip, ONNX): how to load it and what it is, behind one seam.</summary>
public interface IModelFlavor
{
    /// <summary>The name stored in the registry: <c>mlnet</c> or <c>onnx</c>.</summary>
    string Name { get; }

    /// <summary>Loads a model file; a corrupt or unreadable file fails with a <see cref="KeelException"/>.</summary>
    ILoadedModel Load(string path);

    /// <summary>A digest of what the model computes, independent of packaging (zip entry timestamps).</summary>
    Digest CanonicalDigest(string path);
}
