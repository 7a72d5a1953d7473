using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Keel.Cli.Tests.Pipelines;

namespace Keel.Cli.Tests.Reproduction;

/// <summary>
/// A stranger's bundle whose recorded command tries to write outside its work folder, read the
/// recipient's keys and open a network connection: verifying it must contain all three.
/// </summary>
public sealed class SandboxTests : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("keel-sandbox-").FullName;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public SandboxTests() => _listener.Start();

    private string Outside => Path.Combine(_temp, "outside");

    private string RecipientHome => Path.Combine(_temp, "recipient-home");

    private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>
    /// The stranger's pipeline: <c>hostile</c> writes a fixed model but also tries the three
    /// attacks, recording in leak.txt whatever of the recipient's keys it could read (nothing,
    /// when it ran at the stranger's); <c>runaway</c> sleeps for ever when replayed.
    /// </summary>
    private string Yaml => $$"""
        stages:
          hostile:
            cmd: >-
              mkdir -p models && echo weights > models/m.bin;
              echo pwned > {{Outside}}/pwned.txt 2>/dev/null;
              echo pwned > /var/tmp/keel-sandbox-pwned-{{Path.GetFileName(_temp)}} 2>/dev/null;
              (cat {{RecipientHome}}/keys/*.key 2>/dev/null || true) > leak.txt;
              (exec 3<>/dev/tcp/127.0.0.1/{{Port}}) 2>/dev/null;
              true
            outs: [{path: models/m.bin, kind: model}, leak.txt]
            compare:
              models/m.bin: {method: exact}
              leak.txt: {method: exact}
          runaway:
            cmd: if [ "$KEEL_REPRODUCE" = 1 ]; then sleep 600; fi; echo done > slow.txt
            outs: [slow.txt]
        """;

    /// <summary>Runs the stranger's pipeline, exports the bundle, imports it into the recipient's workspace.</summary>
    private (ReproCli Recipient, string Workspace) Import(string subject)
    {
        Directory.CreateDirectory(Outside);
        var stranger = new ReproCli(Path.Combine(_temp, "stranger-home"));
        var strangerWs = Path.Combine(_temp, "stranger");
        PipelineCli.Check(stranger.NewPipeline(strangerWs, Yaml));
        PipelineCli.Check(stranger.Run(_temp, "keys", "generate"));
        var bundle = Path.Combine(_temp, "m.keelbundle");
        PipelineCli.Check(stranger.Run(strangerWs, "bundle", "export", subject, "-o", bundle));
        File.Delete(Path.Combine(Outside, "pwned.txt"));
        File.Delete($"/var/tmp/keel-sandbox-pwned-{Path.GetFileName(_temp)}");
        while (_listener.Pending()) _listener.AcceptTcpClient().Dispose();

        var recipient = new ReproCli(RecipientHome);
        PipelineCli.Check(recipient.Run(_temp, "keys", "generate"));
        var ws = Path.Combine(_temp, "recipient");
        Directory.CreateDirectory(ws);
        PipelineCli.Check(recipient.Run(ws, "init"));
        PipelineCli.Check(recipient.Run(ws, "bundle", "import", bundle));
        return (recipient, ws);
    }

    [Fact]
    public void Verify_HostileBundle_RunsSandboxedAndEveryAttackFails()
    {
        var (cli, ws) = Import("models/m.bin");
        var report = Path.Combine(_temp, "report");
        var keysBefore = Directory.GetFiles(Path.Combine(RecipientHome, "keys")).ToDictionary(f => f, File.ReadAllBytes);

        var verify = cli.Run(ws, "verify", "models/m.bin", "--report", report);

        // The write outside, the key read and the connection all failed; the model itself reproduced
        Assert.False(File.Exists(Path.Combine(Outside, "pwned.txt")), "the command wrote outside its work folder");
        Assert.False(File.Exists($"/var/tmp/keel-sandbox-pwned-{Path.GetFileName(_temp)}"), "the command wrote into the file system");
        Assert.False(_listener.Pending(), "the command opened a network connection");
        Assert.All(keysBefore, kv => Assert.Equal(kv.Value, File.ReadAllBytes(kv.Key)));
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("leak.txt", verify.Stdout);
        // The verdict says where the code came from and that it ran confined
        Assert.Contains("code: from bundle m.keelbundle, signed by", verify.Stdout);
        Assert.Contains("(a key you do not trust)", verify.Stdout);
        Assert.Contains("code ran in a sandbox: bubblewrap: no network", verify.Stdout);
        Assert.Contains("VERIFIED models/m.bin", verify.Stdout);
        // And so do the report and the signed statement
        var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(report, "report.json"))).RootElement;
        Assert.StartsWith("bubblewrap", json.GetProperty("sandbox").GetString());
        Assert.True(json.GetProperty("reproduction").GetProperty("steps")[0].GetProperty("sandboxed").GetBoolean());
        var envelope = JsonDocument.Parse(File.ReadAllText(Path.Combine(report, "attestation.dsse.json"))).RootElement;
        var statement = Encoding.UTF8.GetString(Convert.FromBase64String(envelope.GetProperty("payload").GetString()!));
        Assert.Contains("\"sandboxed\":true", statement.Replace(" ", "", StringComparison.Ordinal));
        Assert.Contains("m.keelbundle, signed by", statement);
    }

    [Fact]
    public void Reproduce_HostileBundleWithTrustCode_RunsUnconfinedAndSaysSo()
    {
        var (cli, ws) = Import("models/m.bin");

        var r = cli.Run(ws, "reproduce", "models/m.bin", "--trust-code", "--json");

        // What --trust-code means, shown by the attack succeeding: the keys leak into leak.txt, which no longer matches
        Assert.True(File.Exists(Path.Combine(Outside, "pwned.txt")));
        var json = ReproCli.Json(r);
        Assert.False(json.GetProperty("steps")[0].GetProperty("sandboxed").GetBoolean());
        Assert.Contains("m.keelbundle", json.GetProperty("steps")[0].GetProperty("origin").GetString());
        Assert.Equal(JsonValueKind.Null, json.GetProperty("sandbox").ValueKind);
    }

    [Fact]
    public void Verify_NoSandboxAvailable_RefusesInOneLineUnlessTrustCode()
    {
        var (cli, ws) = Import("models/m.bin");
        cli.Environment["KEEL_BWRAP"] = Path.Combine(_temp, "no-such-bwrap");

        var refused = cli.Run(ws, "verify", "models/m.bin", "--report", Path.Combine(_temp, "report"));

        Assert.Equal(2, refused.ExitCode);
        var line = Assert.Single(refused.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("no sandbox can be made here", line);
        Assert.Contains("--trust-code", line);
        Assert.False(File.Exists(Path.Combine(Outside, "pwned.txt")), "the command ran although it was refused");
        Assert.False(File.Exists(Path.Combine(_temp, "report", "attestation.dsse.json")), "a refused verify wrote an attestation");
        var reproduce = cli.Run(ws, "reproduce", "models/m.bin");
        Assert.Equal(2, reproduce.ExitCode);
        Assert.False(File.Exists(Path.Combine(Outside, "pwned.txt")));
    }

    [Fact]
    public void Reproduce_RunawayStepInTheSandbox_IsKilledAtTheTimeLimit()
    {
        var (cli, ws) = Import("slow.txt");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var r = cli.Run(ws, "reproduce", "slow.txt", "--time-limit", "3s", "--json");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(120), $"took {clock.Elapsed}");
        Assert.Equal(1, r.ExitCode);
        var step = ReproCli.Json(r).GetProperty("steps")[0];
        Assert.Equal("timed_out", step.GetProperty("status").GetString());
        Assert.True(step.GetProperty("sandboxed").GetBoolean());
    }

    [Fact]
    public void Reproduce_WorkspaceOwnHistory_RunsUnconfined()
    {
        var cli = new ReproCli(Path.Combine(_temp, "own-home"));
        var root = Path.Combine(_temp, "own");
        PipelineCli.Check(cli.NewPipeline(root, SmallPipeline.Yaml, ("data/raw.txt", "a\nb\n")));

        var r = cli.Run(root, "reproduce", "models/m.bin", "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        var json = ReproCli.Json(r);
        Assert.All(json.GetProperty("steps").EnumerateArray(), s => Assert.False(s.GetProperty("sandboxed").GetBoolean()));
        Assert.Equal("this workspace's history", json.GetProperty("steps")[0].GetProperty("origin").GetString());
    }

    public void Dispose()
    {
        _listener.Stop();
        _listener.Dispose();
        try
        {
            File.Delete($"/var/tmp/keel-sandbox-pwned-{Path.GetFileName(_temp)}");
            foreach (var f in Directory.EnumerateFiles(_temp, "*", SearchOption.AllDirectories)) File.SetUnixFileMode(f, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Directory.Delete(_temp, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
