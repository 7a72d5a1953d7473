using Keel.Monitoring.Profiles;
using Keel.Registry;

namespace Keel.Models.Deployments;

/// <summary>
/// What a deployment serves and monitors against, stored as one JSON object: the model (by
/// digest), its signature, and the reference profile of its training data (null when unknown).
/// </summary>
public sealed record ServingPackage(
    string Format,
    string Model,
    string Flavor,
    string Digest,
    string CanonicalDigest,
    ModelSignature Signature,
    string? TrainingData,
    TrainingProfile? Profile)
{
    public const string CurrentFormat = "keel-serving-package 1";
}
