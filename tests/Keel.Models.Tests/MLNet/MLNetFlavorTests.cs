using Keel.Tests.Shared;
using System.IO.Compression;
using Keel.Registry;

namespace Keel.Models.Tests.MLNet;

public sealed class MLNetFlavorTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "keel-models-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void Load_TrainedModel_InputsAreTheColumnsItsOutputsNeed()
    {
        var tiny = TinyChurnModel.Train(_dir);
        using var model = ModelFlavors.MLNet.Load(tiny.ZipPath);

        Assert.Equal(["tenure", "charges", "contract"], model.Inputs.Select(i => i.Name));
        Assert.Equal([FieldType.Number, FieldType.Number, FieldType.Text], model.Inputs.Select(i => i.Type));
        Assert.Equal(["PredictedLabel", "Score", "Probability"], model.Outputs);
    }

    [Fact]
    public void Predict_Batch_MatchesOneRowAtATimeAndMovesWithInputs()
    {
        var tiny = TinyChurnModel.Train(_dir);
        using var model = ModelFlavors.MLNet.Load(tiny.ZipPath);
        object?[][] rows = [[2.0, 110.0, "monthly"], [70.0, 25.0, "two-year"], [30.0, 60.0, "yearly"]];

        var batch = model.Predict(rows);
        var single = rows.Select(r => model.Predict([r])[0]).ToArray();

        for (var i = 0; i < rows.Length; i++) Assert.Equal(batch[i], single[i]);
        Assert.True((double)batch[0][2]! > (double)batch[1][2]!, "a new, expensive monthly customer churns more than a loyal two-year one");
        Assert.IsType<bool>(batch[0][0]);
    }

    [Fact]
    public void Predict_ConcurrentCallers_GiveTheSameAnswers()
    {
        var tiny = TinyChurnModel.Train(_dir);
        using var model = ModelFlavors.MLNet.Load(tiny.ZipPath);
        object?[] row = [12.0, 80.0, "monthly"];
        var expected = (double)model.Predict([row])[0][2]!;

        var results = new double[400];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i => results[i] = (double)model.Predict([row])[0][2]!);

        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [Fact]
    public void CanonicalDigest_ZipRewrittenWithOtherTimestamps_IsUnchanged()
    {
        var tiny = TinyChurnModel.Train(_dir);
        var before = ModelFlavors.MLNet.CanonicalDigest(tiny.ZipPath);
        var copy = Path.Combine(_dir, "copy.zip");
        File.Copy(tiny.ZipPath, copy);
        using (var zip = ZipFile.Open(copy, ZipArchiveMode.Update))
            foreach (var e in zip.Entries) e.LastWriteTime = new DateTimeOffset(2001, 2, 3, 4, 5, 6, TimeSpan.Zero);

        Assert.NotEqual(Objects.ContentHasher.HashFile(tiny.ZipPath), Objects.ContentHasher.HashFile(copy));
        Assert.Equal(before, ModelFlavors.MLNet.CanonicalDigest(copy));
    }

    [Fact]
    public void CanonicalDigest_ZipWithFolderEntries_IsTheValueReproduceCompares()
    {
        // Issue 17, failure 9: the registry (this flavor) and reproduce (CanonicalModel) printed two different digests for one model
        Directory.CreateDirectory(_dir);
        var path = Path.Combine(_dir, "folders.zip");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            zip.CreateEntry("TransformerChain/");
            using (var w = new StreamWriter(zip.CreateEntry("TransformerChain/Model.key").Open())) w.Write("model bytes");
            using (var w = new StreamWriter(zip.CreateEntry("Schema/Schema.key").Open())) w.Write("schema bytes");
        }

        using var stream = File.OpenRead(path);
        Assert.Equal(Keel.Reproduction.CanonicalModel.Digest(stream), ModelFlavors.MLNet.CanonicalDigest(path));
    }

    [Fact]
    public void Load_NotAModel_FailsWithAClearMessage()
    {
        Directory.CreateDirectory(_dir);
        var bad = Path.Combine(_dir, "bad.zip");
        File.WriteAllText(bad, "not a zip");

        var e = Assert.ThrowsAny<KeelException>(() => ModelFlavors.MLNet.Load(bad));
        Assert.Contains("not a loadable ML.NET model", e.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }
}
