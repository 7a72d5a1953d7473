using Npgsql;

namespace Keel.Team.Tests.Infrastructure;

/// <summary>The servers scripts/services.sh started, and fresh isolated resources on them.</summary>
internal static class Services
{
    public static string? Postgres => Environment.GetEnvironmentVariable("KEEL_TEST_POSTGRES");

    public static string? S3Endpoint => Environment.GetEnvironmentVariable("KEEL_TEST_S3");

    public static string S3AccessKey => Environment.GetEnvironmentVariable("KEEL_TEST_S3_ACCESS_KEY") ?? "test:tester";

    public static string S3SecretKey => Environment.GetEnvironmentVariable("KEEL_TEST_S3_SECRET_KEY") ?? "testing";

    public static string? Slurm => Environment.GetEnvironmentVariable("KEEL_TEST_SLURM");

    /// <summary>Creates an empty database and returns its URI (same server and credentials).</summary>
    public static string NewPostgresDatabase()
    {
        var admin = Postgres ?? throw new InvalidOperationException("KEEL_TEST_POSTGRES is not set");
        var name = "keel_" + Guid.NewGuid().ToString("N")[..16];
        var builder = Keel.Postgres.PostgresUri.Parse(admin);
        using (var conn = new NpgsqlConnection(builder.ConnectionString))
        {
            conn.Open();
            using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
            cmd.ExecuteNonQuery();
        }
        var slash = admin.LastIndexOf('/');
        return admin[..(slash + 1)] + name;
    }

    /// <summary>The S3 URI of a fresh bucket (credentials in the URI, as a user may write them).</summary>
    public static string NewS3Bucket(string? prefix = "team")
    {
        var endpoint = S3Endpoint ?? throw new InvalidOperationException("KEEL_TEST_S3 is not set");
        var bucket = "keel-" + Guid.NewGuid().ToString("N")[..16];
        using var client = S3Client();
        client.PutBucketAsync(new Amazon.S3.Model.PutBucketRequest { BucketName = bucket }).GetAwaiter().GetResult();
        return S3Uri(bucket, prefix);
    }

    public static string S3Uri(string bucket, string? prefix) =>
        $"s3://{Uri.EscapeDataString(S3AccessKey)}:{Uri.EscapeDataString(S3SecretKey)}@{bucket}{(prefix is null ? "" : "/" + prefix)}?endpoint={S3Endpoint}";

    public static Amazon.S3.AmazonS3Client S3Client() => new(
        new Amazon.Runtime.BasicAWSCredentials(S3AccessKey, S3SecretKey),
        new Amazon.S3.AmazonS3Config
        {
            ServiceURL = S3Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = Amazon.Runtime.RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = Amazon.Runtime.ResponseChecksumValidation.WHEN_REQUIRED,
        });
}
