namespace Keel.Cli.Tests.Models;

/// <summary>
/// One flipped byte in a stored object: every command that loads a model or hands stored bytes
/// on refuses with one line naming what is damaged, exits 1, and records or leaves nothing.
/// </summary>
public sealed class DamagedObjectTests(DamagedObjectFixture fixture) : IClassFixture<DamagedObjectFixture>
{
    [Fact]
    public void Test_IntactModel_Passes()
    {
        using var ws = fixture.Copy();

        var tested = ws.Keel("test", "tiny@1");

        Assert.True(tested.ExitCode == 0, tested.ToString());
    }

    [Fact]
    public void Test_DamagedModel_RefusesNamingItAndRecordsNoRun()
    {
        using var ws = fixture.Copy();
        var before = LineageNodes(ws);
        DamagedObjectFixture.Damage(ws, fixture.ModelDigest);

        var tested = ws.Keel("test", "tiny@1");

        AssertRefusedNamingModel(tested);
        Assert.Equal(before, LineageNodes(ws));
    }

    [Fact]
    public void Deploy_DamagedModel_RefusesAndDeploysNothing()
    {
        using var ws = fixture.Copy();
        DamagedObjectFixture.Damage(ws, fixture.ModelDigest);

        var deployed = ws.Keel("deploy", "tiny@1", "--alias", "production");

        AssertRefusedNamingModel(deployed);
        Assert.NotEqual(0, ws.Keel("models", "show", "tiny@production").ExitCode);
    }

    [Fact]
    public async Task Serve_DamagedModel_RefusesToStart()
    {
        using var ws = fixture.Copy();
        DamagedObjectFixture.Damage(ws, fixture.ModelDigest);

        using var server = KeelProcess.Start(ws.Root, "serve", "--port", "0", "--models", "tiny@1");
        var stdout = server.StandardOutput.ReadToEndAsync();
        var stderr = server.StandardError.ReadToEndAsync();
        try
        {
            await server.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            if (!server.HasExited) server.Kill(entireProcessTree: true);
        }

        AssertRefusedNamingModel(new KeelResult(server.ExitCode, await stdout, await stderr));
        Assert.DoesNotContain("serving on", await stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void BundleExport_DamagedModel_RefusesAndWritesNoFile()
    {
        using var ws = fixture.Copy();
        DamagedObjectFixture.Damage(ws, fixture.ModelDigest);

        Directory.CreateDirectory(ws.PathOf("out"));

        var exported = ws.Keel("bundle", "export", "tiny@1", "-o", "out/tiny.keelbundle");

        AssertRefusedNamingModel(exported);
        Assert.Empty(Directory.EnumerateFileSystemEntries(ws.PathOf("out")));
    }

    [Fact]
    public void Recover_DamagedModel_RefusesAndLeavesNoFolder()
    {
        using var ws = fixture.Copy();
        DamagedObjectFixture.Damage(ws, fixture.ModelDigest);

        var recovered = ws.Keel("recover", "tiny@1", "-o", "recovered", "--materialize");

        Assert.True(recovered.ExitCode == 1, recovered.ToString());
        Assert.Contains(fixture.ModelDigest.ToString(), recovered.Stderr, StringComparison.Ordinal);
        Assert.Contains("damaged", recovered.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(ws.PathOf("recovered")));
    }

    [Fact]
    public void Checkout_DamagedFile_RefusesNamingVersionAndPathAndLeavesNoFolder()
    {
        using var ws = fixture.Copy();
        DamagedObjectFixture.Damage(ws, fixture.RowDigest);

        var checkout = ws.Keel("checkout", "rows@1", "-o", "restored");

        Assert.True(checkout.ExitCode == 1, checkout.ToString());
        Assert.Contains("rows@1", checkout.Stderr, StringComparison.Ordinal);
        Assert.Contains("rows/b.txt", checkout.Stderr, StringComparison.Ordinal);
        Assert.Contains(fixture.RowDigest.ToString(), checkout.Stderr, StringComparison.Ordinal);
        Assert.Single(checkout.Stderr.Trim().Split('\n'));
        Assert.False(Directory.Exists(ws.PathOf("restored")));
    }

    [Fact]
    public void Checkout_IntactVersion_WritesEveryFile()
    {
        using var ws = fixture.Copy();

        var checkout = ws.Keel("checkout", "rows@1", "-o", "restored");

        Assert.True(checkout.ExitCode == 0, checkout.ToString());
        Assert.Equal("second file, the one damaged\n", File.ReadAllText(ws.PathOf("restored/b.txt")));
    }

    [Fact]
    public void Fsck_DamagedModel_ReportsItCorrupt()
    {
        using var ws = fixture.Copy();
        DamagedObjectFixture.Damage(ws, fixture.ModelDigest);

        var fsck = ws.Keel("fsck");

        Assert.True(fsck.ExitCode == 1, fsck.ToString());
        Assert.Contains(fixture.ModelDigest.ToString(), fsck.Stdout + fsck.Stderr, StringComparison.Ordinal);
    }

    private void AssertRefusedNamingModel(KeelResult r)
    {
        Assert.True(r.ExitCode == 1, r.ToString());
        var line = Assert.Single(r.Stderr.Trim().Split('\n'));
        Assert.Contains("tiny@1", line, StringComparison.Ordinal);
        Assert.Contains(fixture.ModelDigest.ToString(), line, StringComparison.Ordinal);
        Assert.Contains("damaged", line, StringComparison.Ordinal);
        Assert.Contains("keel fsck", line, StringComparison.Ordinal);
    }

    private static int LineageNodes(TempWorkspace ws)
    {
        var lineage = ws.Keel("lineage", "tiny@1", "--down", "--json");
        Assert.True(lineage.ExitCode == 0, lineage.ToString());
        return lineage.Json().GetProperty("nodes").GetArrayLength();
    }
}
