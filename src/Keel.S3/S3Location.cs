using Keel.Workspaces;

namespace Keel.S3;

/// <summary>
/// <c>s3://[access:secret@]bucket[/prefix]?endpoint=http://host:port[&amp;region=R]</c>, parsed once.
/// Credentials come from the URI's user info or else AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY;
/// <see cref="Safe"/> is the only form that reaches messages or records.
/// </summary>
internal sealed record S3Location(string Bucket, string Prefix, string? Endpoint, string Region, string AccessKey, string SecretKey, string Safe)
{
    public static S3Location Parse(string uri)
    {
        if (!uri.StartsWith("s3://", StringComparison.Ordinal))
            throw new KeelException($"'{Backends.Redact(uri)}' is not an S3 URI; write s3://bucket/prefix?endpoint=http://host:port");
        var rest = uri["s3://".Length..];
        var query = "";
        var q = rest.IndexOf('?', StringComparison.Ordinal);
        if (q >= 0)
        {
            query = rest[(q + 1)..];
            rest = rest[..q];
        }
        string? access = null, secret = null;
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        var slashBefore = rest.IndexOf('/', StringComparison.Ordinal);
        if (at >= 0 && (slashBefore < 0 || at < slashBefore))
        {
            var info = rest[..at];
            rest = rest[(at + 1)..];
            var colon = info.IndexOf(':', StringComparison.Ordinal);
            access = Uri.UnescapeDataString(colon < 0 ? info : info[..colon]);
            secret = colon < 0 ? null : Uri.UnescapeDataString(info[(colon + 1)..]);
        }
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var bucket = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? "" : rest[(slash + 1)..].Trim('/');
        var safe = Backends.Redact(uri);
        if (bucket.Length == 0) throw new KeelException($"'{safe}' names no bucket; write s3://bucket/prefix");
        string? endpoint = null;
        var region = "us-east-1";
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? pair : pair[..eq];
            var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            switch (key)
            {
                case "endpoint": endpoint = value; break;
                case "region": region = value; break;
                default: throw new KeelException($"unknown option '{key}' in '{safe}'; known: endpoint, region");
            }
        }
        access ??= Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID");
        secret ??= Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY");
        if (string.IsNullOrEmpty(access) || string.IsNullOrEmpty(secret))
            throw new KeelException($"no S3 credentials for '{safe}': set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or put access:secret@ in the URI)");
        return new S3Location(bucket, prefix, endpoint, region, access, secret, safe);
    }

    /// <summary>The key of an object or named blob under the prefix.</summary>
    public string Key(string relative) => Prefix.Length == 0 ? relative : Prefix + "/" + relative;

    // The access key and secret never appear in ToString (records print every member by default).
    public override string ToString() => Safe;
}
