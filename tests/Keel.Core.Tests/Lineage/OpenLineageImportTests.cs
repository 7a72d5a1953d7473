using Keel.Lineage;

namespace Keel.Core.Tests.Lineage;

public sealed class OpenLineageImportTests
{
    private const string Run1 = "11111111-1111-4111-8111-111111111111";
    private const string Run2 = "22222222-2222-4222-8222-222222222222";

    private static string Event(string runId, string job, string type, string time, string[] inputs, string[] outputs) =>
        $$"""{"eventType":"{{type}}","eventTime":"{{time}}","producer":"https://airflow.example/","schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent","run":{"runId":"{{runId}}"},"job":{"namespace":"airflow","name":"{{job}}"},"inputs":[{{string.Join(',', inputs.Select(i => $$"""{"namespace":"pg","name":"{{i}}"}"""))}}],"outputs":[{{string.Join(',', outputs.Select(o => $$"""{"namespace":"pg","name":"{{o}}"}"""))}}]}""";

    [Fact]
    public async Task Import_ValidEvents_AddsRunsAndDatasetsInTopologicalOrder()
    {
        using var g = await SampleGraph.CreateAsync();
        var before = await g.Workspace.Metadata.Lineage.MaxIdAsync(CancellationToken.None);
        // Listed out of order on purpose: the consumer's events come first.
        var text = string.Join('\n',
            Event(Run2, "report", "START", "2026-02-01T02:00:00Z", ["clean"], []),
            Event(Run2, "report", "COMPLETE", "2026-02-01T03:00:00Z", ["clean"], ["summary"]),
            Event(Run1, "clean", "START", "2026-02-01T00:00:00Z", ["orders"], []),
            Event(Run1, "clean", "COMPLETE", "2026-02-01T01:00:00Z", ["orders"], ["clean"]));
        var r = await OpenLineageImport.ImportAsync(g.Workspace.Metadata, new StringReader(text), "events.jsonl", CancellationToken.None);
        Assert.Equal((4, 2, 3), (r.Events, r.Runs, r.Datasets));
        var ix = await g.IndexAsync();
        var summary = ix.FindLabel("summary");
        var view = LineageView.Query(ix, summary, LineageDirection.Up, -1, [], long.MaxValue);
        Assert.Equal(["summary", "report", "clean", "clean", "orders"], view.Nodes.Select(ix.LabelOf));
        Assert.All(view.Nodes, n => Assert.True(ix.IdOf(n) > before));
        var again = await OpenLineageImport.ImportAsync(g.Workspace.Metadata, new StringReader(text), "events.jsonl", CancellationToken.None);
        Assert.Equal(2, again.RunsAlreadyKnown);
    }

    [Fact]
    public async Task Import_Cycle_IsRejectedNamedAndNothingWritten()
    {
        using var g = await SampleGraph.CreateAsync();
        var before = await g.Workspace.Metadata.Lineage.MaxIdAsync(CancellationToken.None);
        var text = string.Join('\n',
            Event(Run1, "a", "COMPLETE", "2026-02-01T01:00:00Z", ["x"], ["y"]),
            Event(Run2, "b", "COMPLETE", "2026-02-01T02:00:00Z", ["y"], ["x"]));
        var e = await Assert.ThrowsAsync<KeelException>(() => OpenLineageImport.ImportAsync(g.Workspace.Metadata, new StringReader(text), "cyc.jsonl", CancellationToken.None));
        Assert.Contains("cycle", e.Message, StringComparison.Ordinal);
        Assert.Contains("dataset pg/x", e.Message, StringComparison.Ordinal);
        Assert.Contains("dataset pg/y", e.Message, StringComparison.Ordinal);
        Assert.Contains("job airflow/a", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, await g.Workspace.Metadata.Lineage.MaxIdAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Import_InvalidLine_NamesTheLineAndWritesNothing()
    {
        using var g = await SampleGraph.CreateAsync();
        var before = await g.Workspace.Metadata.Lineage.MaxIdAsync(CancellationToken.None);
        var text = Event(Run1, "a", "COMPLETE", "2026-02-01T01:00:00Z", ["x"], ["y"]) + "\n" + """{"eventTime":"2026-02-01T01:00:00Z","producer":"p","schemaURL":"s","run":{"runId":"not-a-uuid"},"job":{"namespace":"n","name":"j"}}""";
        var e = await Assert.ThrowsAsync<KeelException>(() => OpenLineageImport.ImportAsync(g.Workspace.Metadata, new StringReader(text), "bad.jsonl", CancellationToken.None));
        Assert.StartsWith("bad.jsonl:2:", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, await g.Workspace.Metadata.Lineage.MaxIdAsync(CancellationToken.None));
    }
}
