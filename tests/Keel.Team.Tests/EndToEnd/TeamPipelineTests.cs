using System.Diagnostics;
using System.Text.Json;
using Keel.Team.Tests.Infrastructure;

namespace Keel.Team.Tests.EndToEnd;

/// <summary>
/// The real <c>keel</c> binary on a workspace whose .keel/config.yaml points at PostgreSQL, S3
/// and Slurm: nothing else changes. A two-stage pipeline of shell commands; the churn example
/// runs in <see cref="ChurnOnTeamBackendsTests"/>.
/// </summary>
[RequiresService("KEEL_TEST_SLURM")]
public sealed class TeamPipelineTests : IDisposable
{
    private readonly TempDir _dir = new();

    [ServiceFact]
    public void Run_OnPostgresS3Slurm_SameResultsAsLocalThenSkipsAndShares()
    {
        Assert.False(string.IsNullOrEmpty(Services.Postgres), "KEEL_TEST_POSTGRES must be set with KEEL_TEST_SLURM");
        var ws = _dir.File("ws");
        Directory.CreateDirectory(ws);
        Keel(ws, "init", ".");
        var bucketUri = Services.NewS3Bucket("objects");
        File.WriteAllText(Path.Combine(ws, ".keel/config.yaml"),
            $"metadata: {Services.NewPostgresDatabase()}\nobjects: {bucketUri}\nexecutor: {Services.Slurm}?keel={Uri.EscapeDataString(SlurmFixture.KeelBinary)}\n");
        Directory.CreateDirectory(Path.Combine(ws, "data"));
        File.WriteAllText(Path.Combine(ws, "data/raw.txt"), string.Join('\n', Enumerable.Range(1, 1000)) + "\n");
        File.WriteAllText(Path.Combine(ws, "params.yaml"), "scale: 3\n");
        File.WriteAllText(Path.Combine(ws, "keel.yaml"), """
            stages:
              sum:
                cmd: mkdir -p out && awk '{s+=$1} END {print s}' data/raw.txt > out/sum.txt
                deps: [data/raw.txt]
                outs: [{path: out/sum.txt, kind: metrics}]
              scale:
                cmd: mkdir -p res && f=$(sed -n 's/scale. //p' params.yaml) && echo $(( $(cat out/sum.txt) * f )) > res/scaled.txt && hostname > res/host.txt
                deps: [out/sum.txt]
                params: [{params.yaml: [scale]}]
                outs: [{path: res, kind: data}]
            """);

        var first = Keel(ws, "run", "--json");
        var stages = first.Json().GetProperty("stages").EnumerateArray().Select(s => s.GetProperty("state").GetString()).ToList();
        Assert.Equal(["ran", "ran"], stages);
        Assert.Equal("500500\n", File.ReadAllText(Path.Combine(ws, "out/sum.txt")));
        Assert.Equal("1501500\n", File.ReadAllText(Path.Combine(ws, "res/scaled.txt")));

        var again = Keel(ws, "run", "--json");
        Assert.All(again.Json().GetProperty("stages").EnumerateArray(), s => Assert.Equal("skipped", s.GetProperty("state").GetString()));

        var lineage = Keel(ws, "lineage", "res", "--format", "json");
        Assert.Contains("\"sum\"", lineage.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(Services.S3SecretKey, lineage.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("keel-test-pw", lineage.Stdout, StringComparison.Ordinal);

        // A second workspace (local SQLite and objects) pulls the results through a remote.
        var other = _dir.File("other");
        Directory.CreateDirectory(other);
        Keel(other, "init", ".");
        Keel(other, "remote", "add", "team", bucketUri);
        var pull = Keel(other, "remote", "pull", HashOf(ws, "res/scaled.txt"), "--json");
        Assert.Equal(1, pull.Json().GetProperty("copied").GetInt32());
        var missing = Keel(other, 1, "remote", "pull", "blake3:" + new string('0', 64));
        Assert.Contains("missing", missing.Stderr, StringComparison.Ordinal);
        var push = Keel(other, "remote", "push", "--json");
        Assert.Equal(0, push.Json().GetProperty("copied").GetInt32());
    }

    [ServiceFact]
    public void Run_StageFailsOnTheNode_RunFailsWithTheJobsLog()
    {
        var ws = _dir.File("fail");
        Directory.CreateDirectory(ws);
        Keel(ws, "init", ".");
        File.WriteAllText(Path.Combine(ws, ".keel/config.yaml"),
            $"metadata: sqlite:.keel/keel.db\nobjects: {Services.NewS3Bucket("o")}\nexecutor: {Services.Slurm}?keel={Uri.EscapeDataString(SlurmFixture.KeelBinary)}\n");
        File.WriteAllText(Path.Combine(ws, "keel.yaml"), """
            stages:
              broken:
                cmd: echo "feature 'age' is missing" >&2; exit 5
                outs: [{path: never.txt, kind: data}]
            """);

        var run = Keel(ws, expectExit: 1, "run", "--json");

        var stage = run.Json().GetProperty("stages")[0];
        Assert.Equal("failed", stage.GetProperty("state").GetString());
        Assert.Contains("feature 'age' is missing", File.ReadAllText(stage.GetProperty("log").GetString()!), StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(ws, "never.txt")));
    }

    [ServiceFact]
    public void Run_OnSlurm_ForwardsNamedVariablesAndGivesTheJobAPrivateHome()
    {
        // Given a stage that reports its user, home and two variables, only one of them named in env=.
        var ws = _dir.File("env");
        Directory.CreateDirectory(ws);
        Keel(ws, "init", ".");
        File.WriteAllText(Path.Combine(ws, ".keel/config.yaml"),
            $"metadata: sqlite:.keel/keel.db\nobjects: {Services.NewS3Bucket("o")}\nexecutor: {Services.Slurm}?keel={Uri.EscapeDataString(SlurmFixture.KeelBinary)}&env=KEEL_E2E_MARK\n");
        File.WriteAllText(Path.Combine(ws, "keel.yaml"), """
            stages:
              env:
                cmd: mkdir -p out && { id -un; echo "$HOME"; echo "mark=$KEEL_E2E_MARK"; echo "other=$KEEL_E2E_OTHER"; test -w "$HOME" && echo writable; } > out/env.txt
                outs: [{path: out, kind: data}]
            """);

        // When it runs as a Slurm job.
        Keel(ws, 0, new Dictionary<string, string> { ["KEEL_E2E_MARK"] = "forwarded", ["KEEL_E2E_OTHER"] = "kept-back" }, "run");

        // Then the named variable arrived, the other did not, and home is the job user's own folder in scratch.
        var lines = File.ReadAllLines(Path.Combine(ws, "out/env.txt"));
        Assert.Equal($"/tmp/keel-home-{UidOf(lines[0])}", lines[1]);
        Assert.Equal(["mark=forwarded", "other=", "writable"], lines[2..]);
    }

    private static string UidOf(string user) =>
        File.ReadLines("/etc/passwd").Select(l => l.Split(':')).First(f => f[0] == user)[2];

    private static string HashOf(string ws, string path)
    {
        var r = Keel(ws, "hash", path);
        return r.Stdout.Split([' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries).First(t => t.StartsWith("blake3:", StringComparison.Ordinal));
    }

    private static (int ExitCode, string Stdout, string Stderr, Func<JsonElement> Json) Keel(string cwd, params string[] args) => Keel(cwd, 0, args);

    private static (int ExitCode, string Stdout, string Stderr, Func<JsonElement> Json) Keel(string cwd, int expectExit, params string[] args) =>
        Keel(cwd, expectExit, new Dictionary<string, string>(), args);

    private static (int ExitCode, string Stdout, string Stderr, Func<JsonElement> Json) Keel(string cwd, int expectExit, Dictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo(SlurmFixture.KeelBinary) { WorkingDirectory = cwd, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["CI"] = "1";
        foreach (var (k, v) in environment) info.Environment[k] = v;
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromMinutes(3)), $"keel {string.Join(' ', args)} hung");
        p.WaitForExit();
        Assert.True(p.ExitCode == expectExit, $"keel {string.Join(' ', args)}: exit {p.ExitCode}\n{stdout.Result}\n{stderr.Result}");
        var text = stdout.Result;
        return (p.ExitCode, text, stderr.Result, () => JsonDocument.Parse(text).RootElement);
    }

    public void Dispose() => _dir.Dispose();
}
