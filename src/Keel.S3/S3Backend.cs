using Keel.Workspaces;

namespace Keel.S3;

/// <summary>Registers <c>s3://</c> object store URIs.</summary>
public static class S3Backend
{
    /// <summary>Makes <c>objects: s3://...</c> (and s3 remotes) open this backend; its read cache lives in <c>.keel/cache/s3</c>.</summary>
    public static void Register() =>
        Backends.RegisterObjects("s3://", c => new S3ObjectStore(c.Uri, Path.Combine(c.KeelDir, "cache", "s3"), c.Time));
}
