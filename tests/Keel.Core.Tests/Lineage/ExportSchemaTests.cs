using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Keel.Lineage;

namespace Keel.Core.Tests.Lineage;

/// <summary>Exports validated against the specifications' JSON schemas (see Schemas/LICENSES.md for where they come from).</summary>
public sealed class ExportSchemaTests
{
    private static readonly EvaluationOptions Options = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };

    private static string SchemaText(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Lineage", "Schemas", name));

    private static async Task<LineageGraph> WholeGraphAsync(SampleGraph g)
    {
        var ix = await g.IndexAsync();
        var ids = Enumerable.Range(0, ix.Count).Select(ix.IdOf).ToList();
        return await LineageGraph.LoadAsync(g.Workspace.Metadata, ids, CancellationToken.None);
    }

    private static void AssertValid(JsonSchema schema, JsonNode doc)
    {
        using var parsed = JsonDocument.Parse(doc.ToJsonString());
        var result = schema.Evaluate(parsed.RootElement, Options);
        var errors = result.Details?.Where(d => d.Errors is not null).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")) ?? [];
        Assert.True(result.IsValid, string.Join("\n", errors));
    }

    [Fact]
    public async Task ProvJson_OfSampleGraph_IsSchemaValidWithBundlesPerRun()
    {
        using var g = await SampleGraph.CreateAsync();
        var doc = ProvJsonExporter.Export(await WholeGraphAsync(g));
        var schema = JsonSchema.FromText(SchemaText("prov-json.schema.json"), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        AssertValid(schema, doc);
        Assert.Equal(6, doc["entity"]!.AsObject().Count);
        Assert.Equal(4, doc["activity"]!.AsObject().Count);
        Assert.Single(doc["agent"]!.AsObject());
        Assert.Equal(4, doc["used"]!.AsObject().Count);
        Assert.Equal(4, doc["wasGeneratedBy"]!.AsObject().Count);
        Assert.Equal(2, doc["wasDerivedFrom"]!.AsObject().Count);
        Assert.Equal(4, doc["wasAssociatedWith"]!.AsObject().Count);
        Assert.Equal(4, doc["bundle"]!.AsObject().Count);
    }

    [Fact]
    public async Task ProvJson_SchemaRejectsABrokenDocument()
    {
        var schema = JsonSchema.FromText(SchemaText("prov-json.schema.json"), new BuildOptions { SchemaRegistry = new SchemaRegistry() });
        using var bad = JsonDocument.Parse("""{"used": {"_:u1": {"prov:entity": "keel:n1"}}, "nonsense": {}}""");
        Assert.False(schema.Evaluate(bad.RootElement, Options).IsValid);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task OpenLineage_OfSampleGraph_EveryEventAndFacetIsSchemaValid()
    {
        using var g = await SampleGraph.CreateAsync();
        await g.AddAsync("evaluate#1", Keel.Lineage.NodeType.Run, "stage", null, 50,
            new { stage = "evaluate", command = "python eval.py", git_commit = "abc123", git_remote = "https://git.example/churn.git", pipeline_run = "cccc-pipeline", pipeline = "churn" },
            [new(g.Id("churn@2"), Relation.Used, "model")]);
        var registry = new SchemaRegistry();
        var build = new BuildOptions { SchemaRegistry = registry };
        var main = JsonSchema.FromText(SchemaText("OpenLineage.json"), build);
        var version = JsonSchema.FromText(SchemaText("DatasetVersionDatasetFacet.json"), build);
        var source = JsonSchema.FromText(SchemaText("SourceCodeLocationJobFacet.json"), build);
        var parent = JsonSchema.FromText(SchemaText("ParentRunFacet.json"), build);
        var events = OpenLineageExporter.Export(await WholeGraphAsync(g), "keel://sample");
        Assert.Equal(10, events.Count);
        Assert.Equal(["START", "COMPLETE"], events.Take(2).Select(e => e["eventType"]!.GetValue<string>()));
        foreach (var e in events)
        {
            AssertValid(main, e);
            AssertValid(source, e["job"]!["facets"]!);
            AssertValid(parent, e["run"]!["facets"]!);
            foreach (var ds in e["inputs"]!.AsArray().Concat(e["outputs"]!.AsArray()))
            {
                AssertValid(version, ds!["facets"]!);
                Assert.StartsWith("blake3:", ds["facets"]!["version"]!["datasetVersion"]!.GetValue<string>(), StringComparison.Ordinal);
            }
        }
        var last = events[^1];
        Assert.NotNull(last["run"]!["facets"]!["parent"]);
        Assert.Equal("abc123", last["job"]!["facets"]!["sourceCodeLocation"]!["version"]!.GetValue<string>());
        Assert.True(Guid.TryParse(last["run"]!["runId"]!.GetValue<string>(), out _));
    }
}
