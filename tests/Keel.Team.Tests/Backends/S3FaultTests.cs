using Amazon.S3.Model;
using Keel.Objects;
using Keel.S3;
using Keel.Team.Tests.Infrastructure;

namespace Keel.Team.Tests.Backends;

[RequiresService("KEEL_TEST_S3")]
public sealed class S3FaultTests : IDisposable
{
    private readonly TempDir _dir = new();

    [ServiceFact]
    public void OpenRead_ObjectDamagedOnTheServer_RefusedAndNothingCached()
    {
        var uri = Services.NewS3Bucket("p");
        var bucket = uri.Split('@')[1].Split('/')[0];
        var good = "the real bytes"u8.ToArray();
        var d = ContentHasher.Hash(good);
        using (var client = Services.S3Client())
        {
            client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = bucket, Key = $"p/objects/{d.Hex[..2]}/{d.Hex[2..]}", ContentBody = "tampered bytes", UseChunkEncoding = false,
            }).GetAwaiter().GetResult();
        }
        var store = new S3ObjectStore(uri, _dir.File("cache"));

        var e = Assert.Throws<KeelException>(() => store.OpenRead(d).Dispose());

        Assert.Contains("damaged", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_dir.File("cache")) && Directory.EnumerateFiles(_dir.File("cache"), "*", SearchOption.AllDirectories).Any());
    }

    [ServiceFact]
    public void AnyCall_BucketMissing_ClearErrorNamingTheBucket()
    {
        var store = new S3ObjectStore(Services.S3Uri("no-such-bucket-keel", "x"), _dir.File("cache"));
        var e = Assert.Throws<KeelException>(() => store.Contains(ContentHasher.Hash("x"u8)));
        Assert.Contains("'no-such-bucket-keel' does not exist", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Services.S3SecretKey, e.Message, StringComparison.Ordinal);
    }

    [ServiceFact]
    public void AnyCall_WrongSecret_ClearErrorWithoutTheSecret()
    {
        var uri = Services.NewS3Bucket("x").Replace(":" + Services.S3SecretKey + "@", ":wrong-secret-123@", StringComparison.Ordinal);
        var store = new S3ObjectStore(uri, _dir.File("cache"));
        var e = Assert.Throws<KeelException>(() => store.Contains(ContentHasher.Hash("x"u8)));
        Assert.Contains("credentials", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-secret-123", e.Message, StringComparison.Ordinal);
    }

    [ServiceFact]
    public void AnyCall_EndpointDown_ClearErrorNamingTheStore()
    {
        var store = new S3ObjectStore("s3://a:topsecret@bucket/p?endpoint=http://127.0.0.1:1", _dir.File("cache"));
        var e = Assert.Throws<KeelException>(() => store.Contains(ContentHasher.Hash("x"u8)));
        Assert.Contains("s3://a:***@bucket/p", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("topsecret", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _dir.Dispose();
}
