using Keel.Team.Tests.Infrastructure;
using Npgsql;

namespace Keel.Team.Tests.EndToEnd;

/// <summary>
/// The quickstart's churn pipeline (dotnet build, generate, validate, featurize, FastTree
/// training, evaluation) with metadata in PostgreSQL, objects in S3 and every stage a Slurm
/// job, by changing only .keel/config.yaml; then its lineage, reproduce and verify.
/// </summary>
[RequiresService("KEEL_TEST_SLURM")]
public sealed class ChurnOnTeamBackendsTests : IDisposable
{
    private static readonly string[] Stages = ["build", "ingest", "validate", "featurize", "train", "evaluate"];
    private readonly TempDir _dir = new();

    [ServiceFact]
    public void Churn_OnPostgresS3Slurm_RunsTracesReproducesAndVerifies()
    {
        Assert.False(string.IsNullOrEmpty(Services.Postgres), "KEEL_TEST_POSTGRES must be set with KEEL_TEST_SLURM");
        Assert.False(string.IsNullOrEmpty(Services.S3Endpoint), "KEEL_TEST_S3 must be set with KEEL_TEST_SLURM");
        // Given the quickstart's workspace whose config names PostgreSQL, S3 and Slurm, and a
        // NuGet packages folder the Slurm job user can read, forwarded to the jobs.
        var packages = ChurnWorkspace.SharedPackages(_dir.File("nuget"));
        var cli = new TeamCli(_dir.File("home"), new Dictionary<string, string> { ["NUGET_PACKAGES"] = packages });
        var ws = _dir.File("ws");
        ChurnWorkspace.Write(ws);
        cli.Run(ws, "init", ".");
        var database = Services.NewPostgresDatabase();
        var bucket = Services.NewS3Bucket("churn");
        File.WriteAllText(Path.Combine(ws, ".keel/config.yaml"),
            $"metadata: {database}\nobjects: {bucket}\nexecutor: {Services.Slurm}?keel={Uri.EscapeDataString(SlurmFixture.KeelBinary)}\n");
        TeamCli.Sh(ws, "git init -q -b main && git add -A && git -c user.name=t -c user.email=t@t commit -qm churn");

        // When the pipeline runs.
        var run = cli.Run(ws, 0, TimeSpan.FromMinutes(30), "run", "--json");

        // Then every stage ran as a Slurm job, its records are in PostgreSQL and its objects in S3.
        var states = run.Json().GetProperty("stages").EnumerateArray().ToDictionary(s => s.GetProperty("stage").GetString()!, s => s.GetProperty("state").GetString());
        Assert.All(Stages, s => Assert.Equal("ran", states[s]));
        var jobs = File.ReadAllText(Path.Combine(Path.GetDirectoryName(Environment.GetEnvironmentVariable("KEEL_TEST_SLURM_CONF")!)!, "log", "jobcomp.txt"));
        Assert.All(Stages, s => Assert.Contains($"Name=keel-{s} ", jobs, StringComparison.Ordinal));
        Assert.Contains("\"auc\"", File.ReadAllText(Path.Combine(ws, "metrics/eval.json")), StringComparison.Ordinal);
        Assert.True(StageRunsIn(database) >= Stages.Length, "the stage runs are recorded in PostgreSQL");
        var model = cli.Run(ws, "hash", "models/churn.zip").Stdout.Split([' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries).First(t => t.StartsWith("blake3:", StringComparison.Ordinal));
        Assert.True(InBucket(bucket, model), "the model is stored in the S3 bucket");
        Assert.All(cli.Run(ws, "run", "--json").Json().GetProperty("stages").EnumerateArray(), s => Assert.Equal("skipped", s.GetProperty("state").GetString()));

        // Its lineage reaches the raw data and the build, holds no credentials, and checks out.
        var lineage = cli.Run(ws, "lineage", "models/churn.zip", "--format", "json").Stdout;
        Assert.All(["build", "ingest", "featurize", "train"], s => Assert.Contains($"\"{s}\"", lineage, StringComparison.Ordinal));
        Assert.DoesNotContain(Services.S3SecretKey, lineage, StringComparison.Ordinal);
        Assert.DoesNotContain("keel-test-pw", lineage, StringComparison.Ordinal);
        cli.Run(ws, "verify-lineage", "models/churn.zip");

        // Reproduce rebuilds the model from the recorded state (PostgreSQL records, S3 objects).
        cli.Run(ws, "models", "register", "churn", "--from", "train", "--metrics", "metrics/eval.json");
        var reproduced = cli.Run(ws, 0, TimeSpan.FromMinutes(30), "reproduce", "models/churn.zip", "--json").Json();
        Assert.True(reproduced.GetProperty("passed").GetBoolean(), reproduced.ToString());
        var outputs = reproduced.GetProperty("outputs").EnumerateArray().ToList();
        Assert.Contains(outputs, o => o.GetProperty("path").GetString() == "models/churn.zip" && o.GetProperty("status").GetString() == "pass");

        // Verify checks integrity, runs the registered behaviour tests and signs an attestation.
        cli.Run(ws, "keys", "generate");
        var verify = cli.Run(ws, 0, TimeSpan.FromMinutes(10), "verify", "models/churn.zip", "--no-reproduce", "--report", _dir.File("report")).Stdout;
        Assert.Contains("behaviour tests: pass (6 passed, 0 failed)", verify, StringComparison.Ordinal);
        Assert.Contains("VERIFIED", verify, StringComparison.Ordinal);
        cli.Run(ws, "attest", "verify", _dir.File("report/attestation.dsse.json"));
    }

    private static long StageRunsIn(string database)
    {
        using var conn = new NpgsqlConnection(Keel.Postgres.PostgresUri.Parse(database).ConnectionString);
        conn.Open();
        using var cmd = new NpgsqlCommand("SELECT count(*) FROM runs", conn);
        return (long)cmd.ExecuteScalar()!;
    }

    private static bool InBucket(string uri, string digest)
    {
        var bucket = uri.Split('@')[1].Split('/')[0];
        var hex = digest["blake3:".Length..];
        using var client = Services.S3Client();
        var list = client.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = bucket, Prefix = $"churn/objects/{hex[..2]}/{hex[2..]}" }).GetAwaiter().GetResult();
        return list.S3Objects?.Count == 1;
    }

    public void Dispose() => _dir.Dispose();
}
