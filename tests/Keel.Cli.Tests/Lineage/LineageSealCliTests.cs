using System.Text.Json.Nodes;
using Keel.Cli.Tests.Pipelines;
using Microsoft.Data.Sqlite;

namespace Keel.Cli.Tests.Lineage;

/// <summary>
/// The quickstart leaves every run's lineage root sealed, so tampering with its database is caught
/// by <c>keel verify-lineage</c> (before the log existed, it reported "roots stored for the first time").
/// Tampering happens on a copy, so the shared quickstart stays intact for the other tests.
/// </summary>
[Collection(QuickstartCollection.Name)]
public sealed class LineageSealCliTests(QuickstartFixture fixture) : IDisposable
{
    private readonly string _copy = Directory.CreateTempSubdirectory("keel-seal-").FullName;

    [Fact]
    public void VerifyLineage_AfterQuickstart_EveryRunSealedWhenRecorded()
    {
        PipelineCli.Check(fixture.Result);
        var r = LineageProcess.Keel(fixture.Cli.Root, "verify-lineage", "models/churn.zip", "--json");
        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        var doc = JsonNode.Parse(r.Stdout)!;
        Assert.True(doc["intact"]!.GetValue<bool>());
        Assert.True(doc["log_entries"]!.GetValue<long>() >= doc["runs"]!.GetValue<int>());
        Assert.Equal(0, doc["late_sealed"]!.GetValue<int>());
        Assert.NotNull(doc["anchored_entry"]);
        Assert.True(File.Exists(Path.Combine(fixture.Cli.Root, ".keel", "lineage-head")));
    }

    [Theory]
    [InlineData("params", """UPDATE lineage_nodes SET attributes = replace(attributes, '"train.learning_rate":"0.1"', '"train.learning_rate":"0.3"') WHERE type = 'run' AND label = 'train'""", "train")]
    [InlineData("raw digest", "UPDATE lineage_nodes SET digest = (SELECT digest FROM lineage_nodes WHERE label = 'examples/shared') WHERE type = 'artifact' AND label = 'data/raw/customers.csv'", "ingest")]
    [InlineData("used edge", "DELETE FROM lineage_edges WHERE relation = 'used' AND dst IN (SELECT id FROM lineage_nodes WHERE type = 'run' AND label = 'train') AND src IN (SELECT id FROM lineage_nodes WHERE label = 'data/features')", "train")]
    [InlineData("log rows", "DELETE FROM lineage_log; DELETE FROM lineage_roots", "train")]
    public void VerifyLineage_QuickstartDatabaseTampered_ExitsOneNamingTheRun(string what, string sql, string run)
    {
        PipelineCli.Check(fixture.Result);
        Copy(fixture.Cli.Root, _copy);
        using (var conn = new SqliteConnection($"Data Source={Path.Combine(_copy, ".keel", "keel.db")};Pooling=False"))
        {
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = sql;
            Assert.True(cmd.ExecuteNonQuery() > 0, $"the {what} tampering changed nothing");
        }
        var r = LineageProcess.Keel(_copy, "verify-lineage", "models/churn.zip", "--json");
        Assert.True(r.ExitCode == 1, $"{what}: {r.Stdout}{r.Stderr}");
        var problems = JsonNode.Parse(r.Stdout)!["problems"]!.AsArray();
        Assert.Contains(problems, p => p!["label"]!.GetValue<string>() == run && p["kind"]!.GetValue<string>() == "stage");
    }

    private static void Copy(string from, string to)
    {
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)), overwrite: true);
    }

    public void Dispose()
    {
        try
        {
            foreach (var f in Directory.EnumerateFiles(_copy, "*", SearchOption.AllDirectories))
                File.SetUnixFileMode(f, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            Directory.Delete(_copy, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
