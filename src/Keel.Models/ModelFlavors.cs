using Keel.Models.MLNet;
using Keel.Models.Onnx;

namespace Keel.Models;

/// <summary>The flavors Keel knows, by name and by file extension.</summary>
public static class ModelFlavors
{
    public static readonly IModelFlavor MLNet = new MLNetFlavor();
    public static readonly IModelFlavor Onnx = new OnnxFlavor();

    public static IModelFlavor Get(string name) => name switch
    {
        "mlnet" => MLNet,
        "onnx" => Onnx,
        _ => throw new KeelException($"unknown model flavor '{name}'; use mlnet or onnx"),
    };

    /// <summary>The flavor a file's extension suggests: <c>.zip</c> is ML.NET, <c>.onnx</c> ONNX.</summary>
    public static IModelFlavor Detect(string path, string? flavor)
    {
        if (flavor is not null) return Get(flavor);
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".zip" => MLNet,
            ".onnx" => Onnx,
            _ => throw new KeelException($"cannot tell the flavor of '{path}' from its extension; pass --flavor mlnet|onnx"),
        };
    }

    /// <summary>
    /// Loads the model object a version points at, from a temp copy of the object checked against
    /// its digest as it is copied; every failure names the version and its digest, never the copy.
    /// </summary>
    public static ILoadedModel LoadVersion(Workspaces.Workspace workspace, Registry.ModelVersion version)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ArgumentNullException.ThrowIfNull(version);
        var dir = Path.Combine(workspace.KeelDir, "tmp");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, $"model-{Guid.NewGuid():N}{(version.Flavor == "onnx" ? ".onnx" : ".zip")}");
        try
        {
            try
            {
                workspace.Objects.CopyTo(version.Digest, file);
            }
            catch (Objects.ObjectCorruptException e)
            {
                throw new KeelException($"model {version.Ref} ({version.Digest}) is damaged in the object store: its bytes hash to {e.Actual}; refused, nothing was loaded. "
                    + $"Run 'keel fsck' to see what else it affects, and 'keel fsck --repair' to restore an intact copy from the workspace files or a remote", ExitCodes.CheckFailed, e);
            }
            catch (Exception e) when (e is IOException or Objects.ObjectMissingException)
            {
                throw new KeelException($"the model file of {version.Ref} ({version.Digest}) is missing from the object store: {e.Message}; run 'keel fsck'", ExitCodes.CheckFailed, e);
            }
            try
            {
                return Get(version.Flavor).Load(file);
            }
            catch (KeelException e)
            {
                // The flavor names the file it was given: here a temp copy, which means nothing to the user.
                var reason = e.InnerException?.Message ?? e.Message;
                throw new KeelException($"model {version.Ref} ({version.Digest}) could not be loaded as a {version.Flavor} model: {reason}", e.ExitCode, e);
            }
        }
        finally
        {
            File.Delete(file);
        }
    }
}
