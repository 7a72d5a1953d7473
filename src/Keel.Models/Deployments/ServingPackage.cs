using System.Text.Json;
using Keel.Monitoring.Profiles;
using Keel.Registry;
using Keel.Workspaces;

namespace Keel.Models.Deployments;

/// <summary>
/// What a deployment serves and monitors against, stored as one JSON object: the model (by
/// digest), its signature, and the reference profile of its training data (null when unknown),
/// which serving validates categories against and <c>keel monitor</c> compares production with.
/// </summary>
public sealed record ServingPackage(
    string Format,
    string Model,
    string Flavor,
    string Digest,
    string CanonicalDigest,
    ModelSignature Signature,
    string? TrainingData,
    ReferenceProfile? Profile)
{
    public const string CurrentFormat = "keel-serving-package 2";

    /// <summary>Reads a stored package; a package of another format is refused with a clear message.</summary>
    public static ServingPackage Read(Workspace workspace, Objects.Digest digest)
    {
        ArgumentNullException.ThrowIfNull(workspace);
        ServingPackage? package;
        try
        {
            using var stream = workspace.Objects.OpenRead(digest);
            package = JsonSerializer.Deserialize<ServingPackage>(stream, RegistryJson.Options);
        }
        catch (JsonException e)
        {
            throw new KeelException($"the serving package {digest.Short} is not valid JSON ({e.Message}); deploy the model again");
        }
        if (package is null || package.Format != CurrentFormat)
            throw new KeelException($"the serving package {digest.Short} has format '{package?.Format}', not '{CurrentFormat}'; deploy the model again with this keel");
        return package;
    }
}
