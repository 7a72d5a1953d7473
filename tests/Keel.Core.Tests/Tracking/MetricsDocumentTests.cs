using Keel.Tracking;

namespace Keel.Core.Tests.Tracking;

public sealed class MetricsDocumentTests
{
    [Fact]
    public void Parse_NestedJson_FlattensKeysWithDotsAndKeepsTextOutOfPoints()
    {
        // Given a metrics.json as an evaluation script writes it
        const string json = """{"auc": 0.995, "per_class": {"churn": {"f1": 0.8}}, "model": "rf", "calibrated": true, "loss": "NaN"}""";

        // When it is read
        var entries = MetricsDocument.Parse(json, "out/metrics.json");
        var points = MetricsDocument.Points(entries, DateTimeOffset.UnixEpoch);

        // Then nested keys are dotted, text and booleans are entries but not metric points
        Assert.Equal(["auc", "per_class.churn.f1", "model", "calibrated", "loss"], entries.Select(e => e.Key));
        Assert.Equal(["auc", "per_class.churn.f1", "loss"], points.Select(p => p.Key));
        Assert.Equal("rf", entries.Single(e => e.Key == "model").Text);
        Assert.True(double.IsNaN(points.Single(p => p.Key == "loss").Value));
    }

    [Fact]
    public void Parse_Yaml_PlainScalarsAreNumbersAndQuotedOnesText()
    {
        var entries = MetricsDocument.Parse("eval:\n  acc: 0.91\n  version: '2.0'\nloss: .inf\n", "eval.yaml");

        Assert.Equal(0.91, entries.Single(e => e.Key == "eval.acc").Number);
        Assert.Null(entries.Single(e => e.Key == "eval.version").Number);
        Assert.Equal(double.PositiveInfinity, entries.Single(e => e.Key == "loss").Number);
    }

    [Fact]
    public void Parse_CsvWithHeader_EachRowIsAStepNumberedByItsStepColumn()
    {
        var entries = MetricsDocument.Parse("step,val loss,acc\n10,0.5,0.7\n20,0.4,\n", "history.csv");

        // The step column numbers the rows, an empty cell is no value, a space in a name becomes '_'
        Assert.Equal([("val_loss", 10L), ("acc", 10L), ("val_loss", 20L)], entries.Select(e => (e.Key, e.Step)));
        Assert.Equal(0.4, entries[^1].Number);
    }

    [Fact]
    public void Parse_TsvWithoutStepColumn_NumbersRowsFromZero()
    {
        var entries = MetricsDocument.Parse("auc\tloss\n0.9\t0.3\n0.92\t0.2\n", "m.tsv");

        Assert.Equal([0L, 0, 1, 1], entries.Select(e => e.Step));
        Assert.Equal(0.92, entries.Single(e => e.Key == "auc" && e.Step == 1).Number);
    }

    [Fact]
    public void Parse_CsvWithPandasIndexColumn_IndexDroppedAsEveryCsvReaderDrops()
    {
        // pandas' default to_csv writes an unnamed index first; Keel's CSV header rule (CsvHeader) drops it.
        var entries = MetricsDocument.Parse(",auc\n0,0.9\n", "scores.csv");

        var auc = Assert.Single(entries);
        Assert.Equal(("auc", 0.9), (auc.Key, auc.Number));
    }

    [Fact]
    public void Parse_CsvHeaderWithAnUnnamedColumnAfterTheFirst_RefusedNamingFileAndColumn()
    {
        var e = Assert.Throws<KeelException>(() => MetricsDocument.Parse("auc,,loss\n0.9,1,0.3\n", "scores.csv"));

        Assert.Contains("scores.csv", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BrokenJson_NamesFileAndLine()
    {
        var e = Assert.Throws<KeelException>(() => MetricsDocument.Parse("{\n\"auc\": 0.9,\n\"loss\": }\n", "out/m.json"));

        Assert.StartsWith("out/m.json:3: not valid JSON", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownExtension_ReadsJsonThenYaml()
    {
        Assert.Equal(0.5, MetricsDocument.Parse("{\"a\": 0.5}", "metrics.out").Single().Number);
        Assert.Equal(0.25, MetricsDocument.Parse("b: 0.25\n", "metrics.out").Single().Number);
    }

    [Fact]
    public void Compare_TwoFilesSnapshots_MatchesByPathAndKeyWithChange()
    {
        var old = new MetricsSnapshot("HEAD", "commit", [new MetricsRow("m.json", "auc", 0.9, "0.9"), new MetricsRow("m.json", "gone", 1, "1")], []);
        var @new = new MetricsSnapshot("workspace", "workspace", [new MetricsRow("m.json", "auc", 0.95, "0.95"), new MetricsRow("m.json", "added", 2, "2")], []);

        var rows = MetricsDiffRow.Compare(old, @new);

        Assert.Equal(["added", "auc", "gone"], rows.Select(r => r.Key));
        Assert.Equal(0.05, rows.Single(r => r.Key == "auc").Change!.Value, 9);
        Assert.All(rows, r => Assert.True(r.Differs));
    }

    [Fact]
    public void Compare_RunAgainstFiles_MatchesByKeyAlone()
    {
        var run = new MetricsSnapshot("run:1", "run", [new MetricsRow(null, "auc", 0.9, "0.9")], []);
        var files = new MetricsSnapshot("workspace", "workspace", [new MetricsRow("m.json", "auc", 0.9, "0.9")], []);

        var row = Assert.Single(MetricsDiffRow.Compare(run, files));

        Assert.Equal("m.json", row.Path);
        Assert.False(row.Differs);
    }
}
