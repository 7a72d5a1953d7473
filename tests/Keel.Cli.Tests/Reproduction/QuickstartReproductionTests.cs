using Keel.Cli.Tests.Pipelines;

namespace Keel.Cli.Tests.Reproduction;

[Collection(QuickstartCollection.Name)]
public sealed class QuickstartReproductionTests(QuickstartFixture fixture) : IDisposable
{
    private readonly string _temp = Directory.CreateTempSubdirectory("keel-repro-qs-").FullName;

    [Fact]
    public void Quickstart_EndsByReproducingItsModel()
    {
        PipelineCli.Check(fixture.Result);

        Assert.Contains("6. Reproduce the model", fixture.Result.Stdout);
        Assert.Contains("verdict: REPRODUCED within tolerance", fixture.Result.Stdout);
    }

    [Fact]
    public void Verify_QuickstartModel_RunsItsRegisteredBehaviourTests()
    {
        var cli = new ReproCli(Path.Combine(_temp, "home"));
        PipelineCli.Check(cli.Run(_temp, "keys", "generate"));

        var verify = cli.Run(fixture.Cli.Root, "verify", "models/churn.zip", "--no-reproduce", "--report", Path.Combine(_temp, "report"));

        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("behaviour tests: pass (6 passed, 0 failed)", verify.Stdout);
        Assert.Contains("VERIFIED models/churn.zip", verify.Stdout);
    }

    [Fact]
    public void Reproduce_QuickstartModelInAFreshDir_PassesEveryComparedOutput()
    {
        var cli = new ReproCli(Path.Combine(_temp, "home"));
        var dir = Path.Combine(_temp, "fresh");

        var r = cli.Run(fixture.Cli.Root, "reproduce", "models/churn.zip", "--in", dir, "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        var json = ReproCli.Json(r);
        Assert.True(json.GetProperty("passed").GetBoolean());
        var outputs = json.GetProperty("outputs").EnumerateArray().ToList();
        var model = outputs.Single(o => o.GetProperty("path").GetString() == "models/churn.zip");
        Assert.Equal("model", model.GetProperty("method").GetString());
        Assert.Equal("pass", model.GetProperty("status").GetString());
        Assert.Contains(outputs, o => o.GetProperty("path").GetString() == "data/raw/customers.csv" && o.GetProperty("status").GetString() == "pass");
        Assert.Equal(new[] { "build", "ingest", "validate", "featurize", "train" }, json.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("stage").GetString()!).ToArray());
        // The quickstart's last model was retrained by the monitor policy after keel.lock changed (a dirty tree), so its
        // train step replays in a second checkout (work-2) with the recorded diff applied.
        Assert.True(Directory.GetDirectories(dir, "work*").Any(d => File.Exists(Path.Combine(d, "models", "churn.zip"))), "the reproduction ran in the given folder");
        var lineage = cli.Run(fixture.Cli.Root, "lineage", "models/churn.zip", "--down", "--format", "json");
        Assert.Contains("reproduce", lineage.Stdout);
    }

    [Fact]
    public void Reproduce_RegisteredVersion_ReproducesTheRunOutputItWasRegisteredFrom()
    {
        var cli = new ReproCli(Path.Combine(_temp, "home"));

        var r = cli.Run(fixture.Cli.Root, "reproduce", "churn@1", "--in", Path.Combine(_temp, "by-version"), "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        var json = ReproCli.Json(r);
        Assert.True(json.GetProperty("passed").GetBoolean());
        Assert.Contains(json.GetProperty("outputs").EnumerateArray(), o => o.GetProperty("path").GetString() == "models/churn.zip" && o.GetProperty("status").GetString() == "pass");
    }

    [Fact]
    public void Bundle_ExportImportIntoAnotherWorkspace_VerifiesAndReproducesThereFromTheBundledCode()
    {
        var cli = new ReproCli(Path.Combine(_temp, "home"));
        PipelineCli.Check(cli.Run(_temp, "keys", "generate"));
        var bundle = Path.Combine(_temp, "churn.keelbundle");
        PipelineCli.Check(cli.Run(fixture.Cli.Root, "bundle", "export", "models/churn.zip", "-o", bundle));
        var other = Path.Combine(_temp, "colleague");
        Directory.CreateDirectory(other);
        PipelineCli.Check(cli.Run(other, "init"));

        PipelineCli.Check(cli.Run(other, "bundle", "import", bundle));
        var verify = cli.Run(other, "verify", "models/churn.zip", "--report", Path.Combine(_temp, "report"));

        Assert.True(verify.ExitCode == 0, verify.ToString());
        Assert.Contains("is not in a git repository", verify.Stdout);
        Assert.Contains("used the copy from the imported bundle", verify.Stdout);
        Assert.Contains("VERIFIED models/churn.zip", verify.Stdout);
        // The trained model's recorded dotnet build and training came from the bundle: they ran in
        // the sandbox, offline, restoring from the NuGet packages already on this machine
        Assert.Contains("code ran in a sandbox: bubblewrap: no network", verify.Stdout);
        Assert.Contains("(sandboxed)", verify.Stdout);
        // The bundle carries the lineage, not the registry: the colleague's workspace has no
        // registered version to test, and verify says so instead of claiming a pass.
        Assert.Contains("behaviour tests: none", verify.Stdout);
        PipelineCli.Check(cli.Run(other, "attest", "verify", Path.Combine(_temp, "report", "attestation.dsse.json")));
        Assert.True(File.Exists(Path.Combine(_temp, "report", "report.md")));
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
