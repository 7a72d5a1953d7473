using Keel.Objects;

namespace Keel.Registry;

/// <summary>One registered version: <c>name@N</c> pointing at model bytes of a flavor.</summary>
/// <param name="Digest">The object holding the model file.</param>
/// <param name="CanonicalDigest">The flavor's digest of what the model computes, independent of packaging (zip timestamps).</param>
/// <param name="Source">Where it came from: <c>run:ID:OUTPUT</c> or <c>path:FILE</c>.</param>
/// <param name="TrainingData">The object holding the training data the signature was captured from, or null.</param>
public sealed record ModelVersion(
    string Name,
    int Version,
    string Flavor,
    Digest Digest,
    Digest CanonicalDigest,
    ModelSignature Signature,
    ModelCard Card,
    string Source,
    Digest? TrainingData,
    long NodeId,
    DateTimeOffset CreatedAt,
    string User,
    string Host)
{
    public string Ref => $"{Name}@{Version}";
}

/// <summary>What <c>keel models register</c> asks the registry to record; it assigns the version.</summary>
public sealed record NewModelVersion(
    string Name,
    string Flavor,
    Digest Digest,
    Digest CanonicalDigest,
    ModelSignature Signature,
    ModelCard Card,
    string Source,
    Digest? TrainingData,
    long? DerivedFrom,
    DateTimeOffset CreatedAt,
    string User,
    string Host);
