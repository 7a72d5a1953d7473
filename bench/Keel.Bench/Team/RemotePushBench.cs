using Amazon.S3;
using Amazon.S3.Model;

namespace Keel.Bench.Team;

/// <summary><c>keel remote push</c> of many small files to the Swift S3 server against <c>aws s3 sync</c> of the same files.</summary>
internal sealed class RemotePushBench : IBenchGroup
{
    public string Name => "remote";

    public IEnumerable<Figure> Run(BenchContext context)
    {
        var endpoint = Environment.GetEnvironmentVariable("KEEL_TEST_S3");
        if (string.IsNullOrEmpty(endpoint))
        {
            Console.Error.WriteLine("remote: skipped (KEEL_TEST_S3 not set; start scripts/services.sh)");
            yield break;
        }
        var access = Environment.GetEnvironmentVariable("KEEL_TEST_S3_ACCESS_KEY") ?? "test:tester";
        var secret = Environment.GetEnvironmentVariable("KEEL_TEST_S3_SECRET_KEY") ?? "testing";
        var files = context.Quick ? 1_500 : 15_000;
        var totalBytes = context.Quick ? 100L << 20 : 1L << 30;
        var ws = Path.Combine(context.Scratch, "remote-push");
        if (Directory.Exists(ws)) Directory.Delete(ws, recursive: true);
        Directory.CreateDirectory(Path.Combine(ws, "data"));
        var rng = new Random(11);
        var buffer = new byte[totalBytes / files];
        for (var i = 0; i < files; i++)
        {
            rng.NextBytes(buffer);
            File.WriteAllBytes(Path.Combine(ws, "data", $"f{i:D5}.bin"), buffer);
        }
        var bucket = "keel-bench-" + Guid.NewGuid().ToString("N")[..10];
        using (var client = new AmazonS3Client(new Amazon.Runtime.BasicAWSCredentials(access, secret),
            new AmazonS3Config { ServiceURL = endpoint, ForcePathStyle = true, AuthenticationRegion = "us-east-1" }))
            client.PutBucketAsync(new PutBucketRequest { BucketName = bucket }).GetAwaiter().GetResult();
        context.RunKeel(ws, "init", ".");
        context.RunKeel(ws, "add", "data");
        context.RunKeel(ws, "remote", "add", "team", $"s3://{Uri.EscapeDataString(access)}:{secret}@{bucket}/keel?endpoint={endpoint}");
        var keel = context.RunKeel(ws, "remote", "push");
        var bytes = (double)(buffer.Length * (long)files) / (1 << 20);
        var aws = "/usr/bin/aws";
        if (!File.Exists(aws))
        {
            Console.Error.WriteLine("remote: aws s3 sync baseline skipped (Debian awscli not installed)");
            yield return new Figure(Name, $"keel remote push, {files:N0} files", bytes / keel.TotalSeconds, "MiB/s", "aws s3 sync (not installed)", double.NaN, double.NaN);
            yield break;
        }
        var sync = BenchContext.Shell(ws, $"AWS_ACCESS_KEY_ID='{access}' AWS_SECRET_ACCESS_KEY='{secret}' AWS_DEFAULT_REGION=us-east-1 {aws} --endpoint-url {endpoint} s3 sync --only-show-errors data s3://{bucket}/aws/");
        yield return new Figure(Name, $"keel remote push, {files:N0} files, {bytes:0} MiB", bytes / keel.TotalSeconds, "MiB/s", "aws s3 sync", bytes / sync.TotalSeconds, sync.TotalSeconds / keel.TotalSeconds);
    }
}
