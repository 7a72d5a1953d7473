using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Keel.Objects;

namespace Keel.S3;

/// <summary>
/// Objects in an S3 bucket under <c>prefix/objects/ab/cdef…</c>. Content-addressed, so two
/// clients writing one digest at once write the same bytes and both succeed. Every download
/// lands in a local read cache (<c>.keel/cache/s3</c>) only after its digest checks out; reads
/// are served from there. Large files go up in parallel multipart uploads. The SDK retries
/// transient errors (standard mode: exponential backoff with jitter).
/// </summary>
internal sealed partial class S3ObjectStore : IObjectStore, INamedObjects, IListedWrites, IDisposable
{
    internal const long MultipartThreshold = 32L << 20;
    internal const long PartSize = 16L << 20;

    private readonly S3Location _location;
    private readonly AmazonS3Client _client;
    private readonly string _cacheDir;
    private readonly Lazy<bool> _bucketChecked;
    private readonly TimeProvider _time;

    public S3ObjectStore(string uri, string cacheDir, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _location = S3Location.Parse(uri);
        var config = new AmazonS3Config
        {
            ForcePathStyle = true,
            AuthenticationRegion = _location.Region,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            RetryMode = RequestRetryMode.Standard,
            MaxErrorRetry = 5,
            Timeout = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = 64,
        };
        if (_location.Endpoint is not null) config.ServiceURL = _location.Endpoint;
        else config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(_location.Region);
        _client = new AmazonS3Client(new BasicAWSCredentials(_location.AccessKey, _location.SecretKey), config);
        _cacheDir = cacheDir;
        _bucketChecked = new Lazy<bool>(CheckBucket);
    }

    /// <summary>The URI without credentials.</summary>
    public string SafeUri => _location.Safe;

    private string ObjectKey(Digest d) => _location.Key($"objects/{d.Hex[..2]}/{d.Hex[2..]}");

    private string CachePath(Digest d) => Path.Combine(_cacheDir, d.Hex[..2], d.Hex[2..]);

    public bool Contains(Digest digest)
    {
        Writers.EnsureAnnounced();
        return File.Exists(CachePath(digest)) || Head(digest) is not null;
    }

    public bool Put(Digest digest, ReadOnlySpan<byte> bytes)
    {
        Writers.EnsureAnnounced();
        if (Head(digest) is not null) return false;
        var copy = bytes.ToArray();
        Call(() => _client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _location.Bucket,
            Key = ObjectKey(digest),
            InputStream = new MemoryStream(copy, writable: false),
            UseChunkEncoding = false,
        }));
        return true;
    }

    public bool PutFile(Digest digest, string sourcePath)
    {
        Writers.EnsureAnnounced();
        if (Head(digest) is not null) return false;
        PutFileUnchecked(digest, sourcePath);
        return true;
    }

    /// <summary>
    /// One PUT (or a multipart upload), no HEAD first: for a transfer that listed the bucket. A PUT
    /// is atomic on S3 and the key names the content, so racing another writer of the same object
    /// stores the same bytes once.
    /// </summary>
    public void PutFileUnchecked(Digest digest, string sourcePath)
    {
        Writers.EnsureAnnounced();
        _ = _bucketChecked.Value;
        var size = new FileInfo(sourcePath).Length;
        if (size >= MultipartThreshold) UploadMultipart(ObjectKey(digest), sourcePath, size);
        else
        {
            Call(() => _client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = _location.Bucket,
                Key = ObjectKey(digest),
                FilePath = sourcePath,
                UseChunkEncoding = false,
            }));
        }
    }

    // The cache was checked when it was downloaded, but it is a local folder like any other: a
    // read is checked again in the same pass (see IObjectStore).
    public Stream OpenRead(Digest digest) =>
        new VerifyingStream(new FileStream(EnsureCached(digest), FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan), digest);

    public void CopyTo(Digest digest, string destination)
    {
        var cached = EnsureCached(digest);
        var temp = destination + ".keel-tmp";
        VerifiedCopy.Copy(cached, digest, temp);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.Move(temp, destination, overwrite: true);
    }

    public long? SizeOf(Digest digest)
    {
        var cached = new FileInfo(CachePath(digest));
        return cached.Exists ? cached.Length : Head(digest)?.ContentLength;
    }

    public IEnumerable<Digest> List()
    {
        var prefix = _location.Key("objects/");
        string? token = null;
        do
        {
            var page = Call(() => _client.ListObjectsV2Async(new ListObjectsV2Request
            {
                BucketName = _location.Bucket,
                Prefix = prefix,
                ContinuationToken = token,
            }));
            foreach (var o in page.S3Objects ?? [])
            {
                var rel = o.Key[prefix.Length..].Replace("/", "", StringComparison.Ordinal);
                if (Digest.TryParse(Digest.Prefix + rel, out var d)) yield return d;
            }
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
    }

    public bool Delete(Digest digest)
    {
        var cached = CachePath(digest);
        if (File.Exists(cached)) File.Delete(cached);
        if (Head(digest) is null) return false;
        Call(() => _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _location.Bucket, Key = ObjectKey(digest) }));
        return true;
    }

    public DateTimeOffset? StoredAt(Digest digest) =>
        Head(digest) is { } h && h.LastModified is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : null;

    /// <summary>Withdraws this process's write intent (after the caller's commit), then closes the client.</summary>
    public void Dispose()
    {
        _writersField?.Dispose();
        _client.Dispose();
    }

    private GetObjectMetadataResponse? Head(Digest digest) => HeadKey(ObjectKey(digest));

    private GetObjectMetadataResponse? HeadKey(string key)
    {
        _ = _bucketChecked.Value;
        try
        {
            return Call(() => _client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _location.Bucket, Key = key }));
        }
        catch (KeelException e) when (e.InnerException is AmazonS3Exception { StatusCode: HttpStatusCode.NotFound })
        {
            return null;
        }
    }

    private bool CheckBucket()
    {
        try
        {
            Call(() => _client.GetBucketLocationAsync(new GetBucketLocationRequest { BucketName = _location.Bucket }));
            return true;
        }
        catch (KeelException e) when (e.InnerException is AmazonS3Exception { StatusCode: HttpStatusCode.NotFound })
        {
            throw new KeelException($"the bucket '{_location.Bucket}' does not exist at {_location.Endpoint ?? "AWS"} ({_location.Safe}); create it first (aws s3 mb s3://{_location.Bucket})");
        }
    }
}
