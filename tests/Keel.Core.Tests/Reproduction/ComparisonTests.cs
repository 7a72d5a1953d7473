using System.IO.Compression;
using System.Text.Json.Nodes;
using Keel.Reproduction;

namespace Keel.Core.Tests.Reproduction;

public sealed class ComparisonTests
{
    [Fact]
    public void CanonicalModel_SameEntriesDifferentTimestampsAndOrder_SameDigest()
    {
        var a = Zip(("b.bin", "two", 2001), ("a.txt", "one", 2001));
        var b = Zip(("a.txt", "one", 2020), ("b.bin", "two", 2020));
        var c = Zip(("a.txt", "one", 2020), ("b.bin", "TWO", 2020));

        Assert.Equal(CanonicalModel.Digest(a), CanonicalModel.Digest(b));
        Assert.NotEqual(CanonicalModel.Digest(a), CanonicalModel.Digest(c));
    }

    [Fact]
    public void Metrics_PerMetricTolerance_FailsOnlyTheMetricOutside()
    {
        using var temp = new TempDir();
        var a = temp.Write("a.json", """{"auc": 0.800, "loss": 1.0}""");
        var b = temp.Write("b.json", """{"auc": 0.801, "loss": 1.5}""");

        var o = NumericComparer.Metrics(a, b, new Tolerance(0.002, 0), new Dictionary<string, double> { ["loss"] = 0.1 });

        Assert.False(o.Pass);
        Assert.Contains("loss", o.Detail);
        Assert.DoesNotContain("auc", o.Detail);
        Assert.Equal(0.5, o.MaxDifference, 9);
    }

    [Fact]
    public void Csv_ScoresWithinAbs_Pass()
    {
        using var temp = new TempDir();
        var a = temp.Write("a.csv", "id,score\n1,0.5000001\n2,0.25\n");
        var b = temp.Write("b.csv", "id,score\n1,0.5000002\n2,0.25\n");

        Assert.True(NumericComparer.Csv(a, b, new Tolerance(1e-5, 0)).Pass);
        Assert.False(NumericComparer.Csv(a, b, new Tolerance(0, 0)).Pass);
    }

    [Fact]
    public void EnvironmentDiff_InstructionSetsLost_Reported()
    {
        var before = JsonNode.Parse("""{"dotnet": ".NET 10.0.0", "instruction_sets": ["Sse2", "Avx2"], "memory_bytes": 1}""")!.AsObject();
        var now = JsonNode.Parse("""{"dotnet": ".NET 10.0.0", "instruction_sets": ["Sse2"], "memory_bytes": 2}""")!.AsObject();

        var d = Assert.Single(EnvironmentDiff.Compare(before, now));

        Assert.Equal("instruction_sets", d.Field);
        Assert.Equal("only before: Avx2", d.Recorded);
    }

    private static MemoryStream Zip(params (string Name, string Text, int Year)[] entries)
    {
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, text, year) in entries)
            {
                var e = zip.CreateEntry(name);
                e.LastWriteTime = new DateTimeOffset(year, 1, 1, 0, 0, 0, TimeSpan.Zero);
                using var w = new StreamWriter(e.Open());
                w.Write(text);
            }
        }
        ms.Position = 0;
        return ms;
    }
}
