using Keel.Team.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Keel.Team.Tests.EndToEnd;

/// <summary><c>keel gc</c> and writers on one bucket: write intents and a gc marker under <c>prefix/locks/</c>.</summary>
[RequiresService("KEEL_TEST_S3")]
public sealed class GcOnS3Tests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDir _dir = new();

    [ServiceFact]
    public void Gc_StartedWithAddOverLeftoverObjects_NothingMissingInAnyTrial()
    {
        // Given a bucket holding objects no version of the next workspace refers to yet
        var cli = new TeamCli(_dir.File("home"));
        var bucket = Services.NewS3Bucket("race");
        cli.Run(Workspace("seed", bucket, cli), "add", "data");
        var random = new Random(97);
        var failures = new List<string>();
        for (var trial = 0; trial < 4; trial++)
        {
            // When an add that reuses them and gc --grace 0s start together
            var ws = Workspace($"t{trial}", bucket, cli);
            var add = Task.Run(() => cli.Run(ws, -1, TimeSpan.FromMinutes(2), "add", "data"));
            Thread.Sleep(random.Next(0, 300));
            var gc = Task.Run(() => cli.Run(ws, -1, TimeSpan.FromMinutes(2), "gc", "--grace", "0s", "--wait", "60s", "--json"));
            Task.WaitAll(add, gc);

            // Then both succeed and the version's every object is in the bucket
            var fsck = cli.Run(ws, -1, TimeSpan.FromMinutes(2), "fsck", "--json");
            output.WriteLine($"trial {trial}: add {add.Result.ExitCode}, gc {gc.Result.ExitCode} {gc.Result.Stdout.ReplaceLineEndings(" ")}, fsck {fsck.ExitCode}");
            if (add.Result.ExitCode != 0) failures.Add($"trial {trial}: add failed: {add.Result}");
            if (gc.Result.ExitCode != 0) failures.Add($"trial {trial}: gc failed: {gc.Result}");
            if (fsck.ExitCode != 0) failures.Add($"trial {trial}: fsck: {fsck.Stdout}");
        }
        Assert.True(failures.Count == 0, string.Join('\n', failures));
        using var s3 = Services.S3Client();
        var left = s3.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = new Uri(bucket.Split('?')[0]).Host, Prefix = "race/locks/" }).GetAwaiter().GetResult();
        Assert.Empty(left.S3Objects ?? []);
    }

    [ServiceFact]
    public void Gc_LiveWriteIntent_RefusesNamingTheWriter()
    {
        // Given a writer's intent in the bucket (a push on another machine, say)
        var cli = new TeamCli(_dir.File("home"));
        var bucket = Services.NewS3Bucket("busy");
        var ws = Workspace("ws", bucket, cli);
        cli.Run(ws, "add", "data");
        var name = new Uri(bucket.Split('?')[0]).Host;
        using var s3 = Services.S3Client();
        s3.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = name, Key = "busy/locks/intent-0123", ContentBody = "keel remote push (pid 4242 on laptop-7, since 2026-01-01T00:00:00Z)", UseChunkEncoding = false }).GetAwaiter().GetResult();

        // When gc runs with a short wait
        var gc = cli.Run(ws, -1, TimeSpan.FromMinutes(1), "gc", "--grace", "0s", "--wait", "2s");

        // Then it refuses on one line naming that writer, and deletes nothing; without the intent it runs
        Assert.NotEqual(0, gc.ExitCode);
        Assert.Contains("keel remote push (pid 4242 on laptop-7", gc.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", gc.Stderr, StringComparison.Ordinal);
        s3.DeleteObjectAsync(name, "busy/locks/intent-0123").GetAwaiter().GetResult();
        Assert.Equal(0, cli.Run(ws, -1, TimeSpan.FromMinutes(1), "gc", "--grace", "0s").ExitCode);
        Assert.Equal(0, cli.Run(ws, -1, TimeSpan.FromMinutes(1), "fsck").ExitCode);
    }

    private string Workspace(string name, string bucket, TeamCli cli)
    {
        var ws = _dir.File(name);
        for (var i = 0; i < 40; i++) _dir.Write($"{name}/data/f{i:D3}.txt", $"row {i}\n" + new string('y', i * 7));
        cli.Run(ws, "init", ".");
        File.WriteAllText(Path.Combine(ws, ".keel/config.yaml"), $"metadata: sqlite:.keel/keel.db\nobjects: {bucket}\nexecutor: local\n");
        return ws;
    }

    public void Dispose() => _dir.Dispose();
}
