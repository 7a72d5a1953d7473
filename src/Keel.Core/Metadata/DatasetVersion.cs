using Keel.Objects;

namespace Keel.Metadata;

/// <summary>Whether a version holds one file or a directory (a manifest object).</summary>
public enum TreeKind
{
    File,
    Directory,
}

/// <summary>One version of a dataset: <c>name@version</c> pointing at an object.</summary>
public sealed record DatasetVersion(
    string Name,
    int Version,
    Digest Digest,
    TreeKind Kind,
    string Path,
    string? Message,
    DateTimeOffset CreatedAt,
    string User,
    string Host,
    long Files,
    long Bytes)
{
    public string Ref => $"{Name}@{Version}";
}

/// <summary>What <c>keel add</c> asks the store to record; the store assigns the version number.</summary>
public sealed record NewDatasetVersion(
    string Name,
    Digest Digest,
    TreeKind Kind,
    string Path,
    string? Message,
    DateTimeOffset CreatedAt,
    string User,
    string Host,
    long Files,
    long Bytes);
