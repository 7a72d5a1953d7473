using System.Collections.Concurrent;
using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Keel.Objects;

namespace Keel.S3;

/// <summary>Downloads into the verified cache, multipart uploads, named blobs, and error translation.</summary>
internal sealed partial class S3ObjectStore
{
    private const int PartParallelism = 4;

    /// <summary>The cached file for a digest, downloading and verifying it first when needed.</summary>
    private string EnsureCached(Digest digest)
    {
        var cached = CachePath(digest);
        if (File.Exists(cached)) return cached;
        Directory.CreateDirectory(Path.GetDirectoryName(cached)!);
        for (var attempt = 1; ; attempt++)
        {
            var temp = cached + $".{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
            try
            {
                _ = _bucketChecked.Value;
                using (var response = Call(() => _client.GetObjectAsync(new GetObjectRequest { BucketName = _location.Bucket, Key = ObjectKey(digest) })))
                using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                {
                    response.ResponseStream.CopyTo(output);
                }
                var actual = ContentHasher.HashFile(temp);
                if (actual != digest)
                {
                    // A torn or corrupted transfer: fetch again once, then refuse.
                    if (attempt < 2) continue;
                    throw new KeelException($"object {digest} downloaded from {_location.Safe} hashes to {actual}: the stored copy is damaged; nothing was written");
                }
                if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
                File.Move(temp, cached, overwrite: true);
                return cached;
            }
            catch (KeelException e) when (e.InnerException is AmazonS3Exception { StatusCode: HttpStatusCode.NotFound })
            {
                throw new ObjectMissingException(digest);
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
        }
    }

    private void UploadMultipart(string key, string path, long size)
    {
        var init = Call(() => _client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = _location.Bucket, Key = key }));
        var parts = new ConcurrentBag<PartETag>();
        var count = (int)((size + PartSize - 1) / PartSize);
        try
        {
            Parallel.For(1, count + 1, new ParallelOptions { MaxDegreeOfParallelism = PartParallelism }, n =>
            {
                var offset = (n - 1) * PartSize;
                var response = Call(() => _client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = _location.Bucket,
                    Key = key,
                    UploadId = init.UploadId,
                    PartNumber = n,
                    FilePath = path,
                    FilePosition = offset,
                    PartSize = Math.Min(PartSize, size - offset),
                    UseChunkEncoding = false,
                }));
                parts.Add(new PartETag(n, response.ETag));
            });
            Call(() => _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = _location.Bucket,
                Key = key,
                UploadId = init.UploadId,
                PartETags = parts.OrderBy(p => p.PartNumber).ToList(),
            }));
        }
        catch
        {
            // Nothing is published under the digest until Complete; abort frees the parts.
            try
            {
                _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = _location.Bucket, Key = key, UploadId = init.UploadId }).GetAwaiter().GetResult();
            }
            catch (AmazonServiceException)
            {
            }
            throw;
        }
    }

    public void PutNamed(string name, ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Call(() => _client.PutObjectAsync(new PutObjectRequest
        {
            BucketName = _location.Bucket,
            Key = _location.Key("named/" + name),
            InputStream = new MemoryStream(copy, writable: false),
            UseChunkEncoding = false,
        }));
    }

    public byte[]? GetNamed(string name)
    {
        try
        {
            using var response = Call(() => _client.GetObjectAsync(new GetObjectRequest { BucketName = _location.Bucket, Key = _location.Key("named/" + name) }));
            using var buffer = new MemoryStream();
            response.ResponseStream.CopyTo(buffer);
            return buffer.ToArray();
        }
        catch (KeelException e) when (e.InnerException is AmazonS3Exception { StatusCode: HttpStatusCode.NotFound })
        {
            return null;
        }
    }

    public bool DeleteNamed(string name)
    {
        if (HeadKey(_location.Key("named/" + name)) is null) return false;
        Call(() => _client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = _location.Bucket, Key = _location.Key("named/" + name) }));
        return true;
    }

    /// <summary>Runs one SDK call synchronously (the store contract is synchronous) and names the store, never its credentials, in any failure.</summary>
    private T Call<T>(Func<Task<T>> call)
    {
        try
        {
            return call().GetAwaiter().GetResult();
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "NoSuchBucket")
        {
            throw new KeelException($"the bucket '{_location.Bucket}' does not exist at {_location.Endpoint ?? "AWS"} ({_location.Safe}); create it first", ExitCodes.Usage, e);
        }
        catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.Forbidden || e.ErrorCode is "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "AccessDenied")
        {
            throw new KeelException($"the object store {_location.Safe} refused the credentials ({e.ErrorCode}); check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", ExitCodes.Usage, e);
        }
        catch (AmazonServiceException e)
        {
            var what = e is AmazonS3Exception s3 ? $"{(int)s3.StatusCode} {s3.ErrorCode}" : (e.InnerException ?? e).Message;
            throw new KeelException($"the object store {_location.Safe} failed: {what}", ExitCodes.Usage, e);
        }
        catch (AmazonClientException e)
        {
            throw new KeelException($"cannot reach the object store {_location.Safe}: {(e.InnerException ?? e).Message}", ExitCodes.Usage, e);
        }
        catch (HttpRequestException e)
        {
            throw new KeelException($"cannot reach the object store {_location.Safe}: {e.Message}", ExitCodes.Usage, e);
        }
    }
}
