using System.Text.Json.Nodes;
using Keel.Cli.Tests.Pipelines;

namespace Keel.Cli.Tests.Reproduction;

/// <summary>
/// An author's shell + python3 project (outputs in gitignored folders) signed and bundled, and a
/// colleague with their own keys and a workspace that is not a git repository: what each of
/// them sees from verify, attest verify and bundle import.
/// </summary>
public sealed class ColleagueAttestationTests : IDisposable
{
    private const string Yaml = """
        stages:
          featurize:
            cmd: sh scripts/featurize.sh
            deps: [scripts/featurize.sh, raw/rows.csv]
            outs: [build/features.csv]
          train:
            cmd: python3 scripts/train.py
            deps: [scripts/train.py, build/features.csv]
            outs: [{path: models/m.bin, kind: model}, {path: reports/scores.json, kind: metrics}]
        """;

    private const string Train = """
        import json, os
        rows = open("build/features.csv").read().split()
        os.makedirs("models", exist_ok=True)
        os.makedirs("reports", exist_ok=True)
        open("models/m.bin", "w").write("weights " + str(len(rows)) + "\n")
        json.dump({"auc": 0.5 + len(rows) / 100}, open("reports/scores.json", "w"))
        """;

    private readonly string _temp = Directory.CreateTempSubdirectory("keel-colleague-").FullName;
    private readonly ReproCli _author;
    private readonly string _root;

    public ColleagueAttestationTests()
    {
        _author = new ReproCli(Path.Combine(_temp, "author-home"));
        _root = Path.Combine(_temp, "project");
        PipelineCli.Check(_author.NewPipeline(_root, Yaml,
            (".gitignore", "build/\nmodels/\nreports/\n"),
            ("scripts/featurize.sh", "mkdir -p build\ncut -d, -f1 raw/rows.csv > build/features.csv\n"),
            ("scripts/train.py", Train),
            ("raw/rows.csv", "1,a\n2,b\n3,c\n")));
        ReproCli.Sh(_root, "git add -A && git -c user.name=t -c user.email=t@t commit -qm lock");
    }

    [Fact]
    public void Verify_WithoutOutputOption_WritesTheReportUnderKeelAndLeavesTheGitTreeClean()
    {
        var r = _author.Run(_root, "verify", "models/m.bin", "--no-reproduce");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("", Git(_root, "status --porcelain"));
        var reports = Directory.GetFiles(Path.Combine(_root, ".keel", "verify"), "report.md", SearchOption.AllDirectories);
        Assert.Single(reports);
        Assert.Contains(reports[0], r.Stdout, StringComparison.Ordinal);
        var chosen = Path.Combine(_temp, "chosen");
        PipelineCli.Check(_author.Run(_root, "verify", "models/m.bin", "--no-reproduce", "-o", chosen));
        Assert.True(File.Exists(Path.Combine(chosen, "report.json")));
    }

    [Fact]
    public void AttestVerify_UnsignedStatementAndDamagedEnvelope_GetTwoDifferentVerdicts()
    {
        // Given the author verified without a signing key: Keel writes a bare, unsigned statement
        var unsignedDir = Path.Combine(_temp, "unsigned");
        PipelineCli.Check(_author.Run(_root, "verify", "models/m.bin", "--no-reproduce", "-o", unsignedDir));
        var statement = Path.Combine(unsignedDir, "attestation.intoto.json");
        Assert.True(File.Exists(statement));

        // When it is checked, it is called unsigned, not altered
        var unsigned = _author.Run(_root, "attest", "verify", statement);
        var unsignedJson = ReproCli.Json(_author.Run(_root, "attest", "verify", statement, "--json"));

        Assert.Equal(1, unsigned.ExitCode);
        Assert.StartsWith("UNSIGNED: attestation.intoto.json is a bare in-toto statement, not a DSSE envelope", unsigned.Stdout, StringComparison.Ordinal);
        Assert.Contains("subject models/m.bin matches the object store", unsigned.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("altered", unsigned.Stdout + unsigned.Stderr, StringComparison.Ordinal);
        Assert.Equal("unsigned", unsignedJson.GetProperty("status").GetString());
        Assert.False(unsignedJson.GetProperty("signed").GetBoolean());

        // And a signed envelope that lost its payloadType is called a damaged envelope
        PipelineCli.Check(_author.Run(_temp, "keys", "generate"));
        var signedDir = Path.Combine(_temp, "signed");
        PipelineCli.Check(_author.Run(_root, "verify", "models/m.bin", "--no-reproduce", "-o", signedDir));
        var envelope = JsonNode.Parse(File.ReadAllText(Path.Combine(signedDir, "attestation.dsse.json")))!.AsObject();
        envelope.Remove("payloadType");
        var damaged = Path.Combine(_temp, "damaged.dsse.json");
        File.WriteAllText(damaged, envelope.ToJsonString());

        var d = _author.Run(_root, "attest", "verify", damaged);

        Assert.Equal(1, d.ExitCode);
        Assert.Contains("damaged DSSE envelope: 'payloadType' is missing", d.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("UNSIGNED", d.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void BundleImport_ColleagueWithoutGit_FindsTheSignersKeyTrustsItExplicitlyAndGetsATrueVerifyNote()
    {
        // Given the author signs, verifies and exports
        PipelineCli.Check(_author.Run(_temp, "keys", "generate"));
        PipelineCli.Check(_author.Run(_root, "verify", "models/m.bin", "--no-reproduce"));
        var bundle = Path.Combine(_temp, "m.keelbundle");
        PipelineCli.Check(_author.Run(_root, "bundle", "export", "models/m.bin", "-o", bundle));
        var colleague = new ReproCli(Path.Combine(_temp, "colleague-home"));
        var ws = Path.Combine(_temp, "colleague");
        Directory.CreateDirectory(ws);
        PipelineCli.Check(colleague.Run(ws, "init"));

        // When the colleague imports it
        var import = PipelineCli.Check(colleague.Run(ws, "bundle", "import", bundle));
        var json = ReproCli.Json(PipelineCli.Check(colleague.Run(ws, "bundle", "import", bundle, "--json")));

        // Then the signer's key is kept in the workspace, with the command to trust it, and nothing is trusted yet
        var signer = json.GetProperty("signers")[0];
        var keyFile = signer.GetProperty("public_key").GetString()!;
        Assert.True(File.Exists(keyFile), keyFile);
        Assert.StartsWith(Path.Combine(ws, ".keel", "signers"), keyFile, StringComparison.Ordinal);
        Assert.False(signer.GetProperty("trusted").GetBoolean());
        Assert.Contains($"keel keys trust {keyFile}", import.Stdout, StringComparison.Ordinal);
        Assert.Contains("fingerprint ", import.Stdout, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(colleague.Home, "trusted")));
        var attestation = Directory.GetFiles(Path.Combine(ws, ".keel", "attestations"), "*.dsse.json", SearchOption.AllDirectories).Single();
        var refused = colleague.Run(ws, "attest", "verify", attestation);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains($"'keel keys trust {keyFile}'", refused.Stderr, StringComparison.Ordinal);

        // And after the printed command, the attestation verifies
        PipelineCli.Check(colleague.Run(ws, "keys", "trust", keyFile));
        var valid = colleague.Run(ws, "attest", "verify", attestation);
        Assert.True(valid.ExitCode == 0, valid.ToString());

        // And the colleague's own verify does not call its folder a git repository
        var verify = colleague.Run(ws, "verify", "models/m.bin");
        var all = verify.Stdout + verify.Stderr;
        Assert.DoesNotContain("missing from the git repository at", all, StringComparison.Ordinal);
        Assert.Contains($"the workspace at {ws} is not in a git repository", all, StringComparison.Ordinal);
    }

    private static string Git(string dir, string args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("git") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args.Split(' ')) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return output;
    }

    public void Dispose()
    {
        try
        {
            foreach (var f in Directory.EnumerateFiles(_temp, "*", SearchOption.AllDirectories)) File.SetUnixFileMode(f, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Directory.Delete(_temp, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
