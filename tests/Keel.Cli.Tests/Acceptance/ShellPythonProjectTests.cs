using System.Text.RegularExpressions;

namespace Keel.Cli.Tests.Acceptance;

/// <summary>The promises, driven through the real keel on <see cref="ProjectShapes.ShellPython"/>.</summary>
public sealed class ShellPythonProjectTests
{
    [Fact]
    public void Pipeline_ShellPythonProject_RunsSkipsRerunsDependentsReproducesAndReplaysInACleanClone()
    {
        using var p = ProjectShapes.ShellPython.Create();

        // Given a first run: every stage runs, writing into folders that did not exist.
        var first = p.Run();
        Assert.All(ProjectShapes.ShellPython.Stages, s => Assert.Equal("ran", first[s]));
        Assert.Contains("\"accuracy\"", p.Read(ProjectShapes.ShellPython.Metrics));
        Assert.Contains("\"lr\": 0.5", p.Read(ProjectShapes.ShellPython.Model));
        // keel run ignored its outputs in git, except the metrics the project already ignores.
        var ignore = File.ReadAllLines(p.PathOf(".gitignore"));
        Assert.Contains("/" + ProjectShapes.ShellPython.Model, ignore);
        Assert.Contains("/" + ProjectShapes.ShellPython.Train, ignore);
        Assert.DoesNotContain("/" + ProjectShapes.ShellPython.Metrics, ignore);
        p.Commit("outputs ignored");

        // The stages' metrics are runs' metrics: evaluate's metrics output, train's KEEL_METRICS_FILE curve.
        Assert.Equal(1, RunsMatching(p, "metrics.accuracy >= 0"));
        Assert.Equal(1, RunsMatching(p, "metrics.train_loss >= 0"));
        var show = p.Keel("metrics", "show");
        Assert.True(show.ExitCode == 0, show.ToString());
        Assert.Contains("accuracy", show.Stdout);

        // A second run skips all.
        Assert.All(p.Run().Values, state => Assert.Equal("skipped", state));

        // A changed ${train.lr} re-runs train and what depends on it, not prepare.
        p.Write("params.yaml", ProjectShapes.ShellPython.Params.Replace("lr: 0.5", "lr: 0.2", StringComparison.Ordinal));
        var changed = p.Run();
        Assert.Equal("skipped", changed["prepare"]);
        Assert.Equal("ran", changed["train"]);
        Assert.Equal("ran", changed["evaluate"]);
        Assert.Contains("\"lr\": 0.2", p.Read(ProjectShapes.ShellPython.Model));
        Assert.Contains("--lr 0.2", p.Read("keel.lock"));
        // metrics diff lists what changed (the held-out loss moves with the learning rate; the row count does not), --all every metric.
        var diff = p.Keel("metrics", "diff", "HEAD");
        Assert.True(diff.ExitCode == 0, diff.ToString());
        Assert.Matches(@"reports/metrics/scores\.json +loss +0\.\d+ +0\.\d+ +[-+]\d", diff.Stdout);
        Assert.DoesNotContain(" rows ", diff.Stdout);
        var all = p.KeelOk("metrics", "diff", "HEAD", "--all").Stdout;
        Assert.Matches(@"reports/metrics/scores\.json +accuracy +0\.\d+ +0\.\d+", all);
        Assert.Matches(@"reports/metrics/scores\.json +rows +60 +60", all);
        p.Commit("lr 0.2");

        // reproduce rebuilds the metrics from the recorded state alone.
        var reproduce = p.Keel("reproduce", ProjectShapes.ShellPython.Metrics);
        Assert.True(reproduce.ExitCode == 0, reproduce.ToString());
        Assert.Contains($"REPRODUCED {ProjectShapes.ShellPython.Metrics}", reproduce.Stdout);

        // recover's replay.sh does the same in a fresh clone, which has no data, outputs or .keel.
        var recovered = p.Beside("recovered");
        var recover = p.Keel("recover", ProjectShapes.ShellPython.Metrics, "-o", recovered, "--materialize", "--verify");
        Assert.True(recover.ExitCode == 0, recover.ToString());
        var clone = p.CleanClone();
        Assert.False(File.Exists(Path.Combine(clone, "data", "raw.csv")));
        var replay = p.Replay(recovered, clone);
        Assert.True(replay.ExitCode == 0, replay.ToString());
        Assert.Contains("restored     data/raw.csv", replay.Stdout);
        Assert.Contains($"PASS         {ProjectShapes.ShellPython.Metrics}", replay.Stdout);
        Assert.Contains($"PASS         {ProjectShapes.ShellPython.Model}", replay.Stdout);
        Assert.Contains("REPLAYED", replay.Stdout);
        Assert.Equal(p.Read(ProjectShapes.ShellPython.Metrics), File.ReadAllText(Path.Combine(clone, ProjectShapes.ShellPython.Metrics)));
    }

    [Fact]
    public void Run_UnknownParamInCommand_FailsTheStageWithOneLineNamingStageAndKey()
    {
        using var p = ProjectShapes.ShellPython.Create();
        p.Write("keel.yaml", ProjectShapes.ShellPython.KeelYaml.Replace("${train.lr}", "${train.rate}", StringComparison.Ordinal));

        var r = p.Keel("run");

        Assert.True(r.ExitCode == 1, r.ToString());
        var line = Assert.Single(r.Stdout.Split('\n'), l => l.Contains("train.rate", StringComparison.Ordinal));
        Assert.Contains("stage 'train'", line);
        Assert.Contains("keel.yaml:", line);
        Assert.DoesNotContain("   at ", r.Stdout + r.Stderr);
    }

    [Fact]
    public void Trust_ShellPythonModel_SignedVerifyBundleToASecondWorkspaceFsckRepairAndRunMetrics()
    {
        using var p = ProjectShapes.ShellPython.Create();
        const string Model = ProjectShapes.ShellPython.Model;
        var key = p.KeelOk("keys", "generate").Stdout;
        var signer = Regex.Match(key, @"generated (sha256:[0-9a-f]{64})").Groups[1].Value;
        Assert.NotEmpty(signer);
        p.Run();
        p.Commit("outputs ignored");
        p.Write("params.yaml", ProjectShapes.ShellPython.Params.Replace("lr: 0.5", "lr: 0.2", StringComparison.Ordinal));
        p.Run();
        p.Commit("lr 0.2");

        // Two train runs, each with its per-epoch curve from KEEL_METRICS_FILE.
        var trains = AcceptanceProject.Json(p.KeelOk("runs", "list", "--json")).GetProperty("runs").EnumerateArray()
            .Where(r => r.GetProperty("name").GetString() == "train").Select(r => r.GetProperty("id").GetString()!).ToList();
        Assert.Equal(2, trains.Count);
        var history = p.KeelOk("metrics", "history", trains[0], "train_loss", "--json");
        var points = AcceptanceProject.Json(history).GetProperty("points").EnumerateArray().ToList();
        Assert.Equal(30, points.Count);
        Assert.Equal(Enumerable.Range(0, 30), points.Select(x => (int)x.GetProperty("step").GetInt64()));
        Assert.True(points[^1].GetProperty("value").GetDouble() < points[0].GetProperty("value").GetDouble(), history.Stdout);
        var compare = p.KeelOk("runs", "compare", trains[1], trains[0]).Stdout;
        // The differing rows are starred: the learning rate, and the curve's last value.
        Assert.Matches(@"\* params\.train\.lr +0\.5 +0\.2\s", compare);
        Assert.Matches(@"\* metrics\.train_loss +0\.\d+ +0\.\d+\s", compare);
        Assert.Matches(@"\n  params\.train\.epochs +30 +30\s", compare);

        // verify signs its attestation; attest verify checks it, and refuses a tampered copy.
        var verify = p.Keel("verify", Model);
        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains($"REPRODUCED {Model}", verify.Stdout);
        var attestation = Regex.Match(verify.Stdout, $@"^VERIFIED {Regex.Escape(Model)}; report \S+; attestation (\S+\.dsse\.json) signed by {signer}$", RegexOptions.Multiline).Groups[1].Value;
        Assert.True(File.Exists(attestation), verify.Stdout);
        Assert.Contains($"valid: signed by trusted key {signer}; subject {Model} matches the object store; attested verdict: pass", p.KeelOk("attest", "verify", attestation).Stdout);
        var forged = p.Beside("forged.dsse.json");
        // One base64 character of the signed statement changed: it still decodes, but not to the signed bytes.
        File.WriteAllText(forged, File.ReadAllText(attestation).Replace("\"payload\":\"eyJ", "\"payload\":\"eyK", StringComparison.Ordinal));
        Assert.NotEqual(File.ReadAllText(attestation), File.ReadAllText(forged));
        var refused = p.Keel("attest", "verify", forged);
        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("the attestation was altered after signing", refused.Stderr);

        // bundle export, import into a fresh workspace with its own KEEL_HOME (no key, trusts nobody).
        var bundle = p.Beside("classifier.keelbundle");
        Assert.Contains("1 attestations", p.KeelOk("bundle", "export", Model, "-o", bundle).Stdout);
        var second = p.Beside("second");
        Directory.CreateDirectory(second);
        var other = new Reproduction.ReproCli(p.Beside("home2"));
        Directory.CreateDirectory(other.Home);
        // The sandbox hides home and brings back only the PATH folders in it: python3 must be the system's,
        // not a shim under home that runs a program from elsewhere there (pyenv; reproducibility.md says so).
        other.Environment["PATH"] = string.Join(':', (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin").Split(':')
            .Where(d => !d.StartsWith(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) + "/", StringComparison.Ordinal)));
        Assert.Equal(0, other.Run(second, "init").ExitCode);
        // A bundle cut short on the way is refused whole.
        var cut = p.Beside("cut.keelbundle");
        File.WriteAllBytes(cut, File.ReadAllBytes(bundle)[..(int)(new FileInfo(bundle).Length / 2)]);
        var rejected = other.Run(second, "bundle", "import", cut);
        Assert.True(rejected.ExitCode == 1, rejected.ToString());
        Assert.Contains("bundle rejected, nothing was imported", rejected.Stderr);
        Assert.DoesNotContain("   at ", rejected.Stdout + rejected.Stderr);
        Assert.DoesNotContain(Directory.GetFiles(Path.Combine(second, ".keel", "objects"), "*", SearchOption.AllDirectories), f => Path.GetFileName(f) != "lock");
        var import = other.Run(second, "bundle", "import", bundle);
        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.Contains($"signer {signer}: NOT trusted", import.Stdout);
        var trust = Regex.Match(import.Stdout, @"keel keys trust (\S+\.pub)").Groups[1].Value;
        Assert.True(File.Exists(trust), import.Stdout);
        var imported = Assert.Single(Directory.GetFiles(Path.Combine(second, ".keel", "attestations"), "*.dsse.json", SearchOption.AllDirectories));
        var untrusted = other.Run(second, "attest", "verify", imported);
        Assert.True(untrusted.ExitCode == 1, untrusted.ToString());
        Assert.Contains("untrusted key", untrusted.Stdout + untrusted.Stderr);

        // verify there: the bundle's code runs in the sandbox and reproduces the model.
        var there = other.Run(second, "verify", Model);
        Assert.True(there.ExitCode == 0, there.ToString());
        Assert.Contains("ran in the sandbox", there.Stdout);
        Assert.Contains($"PASS         {Model}", there.Stdout);
        Assert.Contains($"VERIFIED {Model}", there.Stdout);
        // attest verify there once the printed command trusted the signer.
        Assert.Equal(0, other.Run(second, "keys", "trust", trust).ExitCode);
        var valid = other.Run(second, "attest", "verify", imported);
        Assert.True(valid.ExitCode == 0, valid.ToString());
        Assert.Contains($"valid: signed by trusted key {signer}; subject {Model} matches the object store", valid.Stdout);

        // A flipped byte in the model's stored object: fsck finds it, fsck --repair mends it from the workspace file.
        var digest = Regex.Match(p.Read("keel.lock"), $"path: \"{Regex.Escape(Model)}\"\n +digest: blake3:([0-9a-f]{{64}})").Groups[1].Value;
        Assert.NotEmpty(digest);
        Keel.Testing.Tamper.FlipByte(p.PathOf(Path.Combine(".keel", "objects", digest[..2], digest[2..])));
        var found = p.Keel("fsck");
        Assert.True(found.ExitCode == 1, found.ToString());
        Assert.Contains($"blake3:{digest} corrupt", found.Stdout + found.Stderr);
        var repair = p.Keel("fsck", "--repair");
        Assert.True(repair.ExitCode == 0, repair.ToString());
        Assert.Contains($"restored blake3:{digest} from workspace file {Model}", repair.Stdout);
        var healthy = p.Keel("fsck");
        Assert.True(healthy.ExitCode == 0, healthy.ToString());
        Assert.True(File.Exists(p.PathOf(Path.Combine(".keel", "objects", "damaged", digest))));
    }

    private static int RunsMatching(AcceptanceProject p, string filter)
    {
        var r = p.Keel("runs", "list", "--filter", filter, "--json");
        Assert.True(r.ExitCode == 0, r.ToString());
        using var doc = System.Text.Json.JsonDocument.Parse(r.Stdout);
        return doc.RootElement.GetProperty("runs").GetArrayLength();
    }
}
