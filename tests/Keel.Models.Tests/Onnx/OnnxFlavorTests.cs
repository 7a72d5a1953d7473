using Keel.Tests.Shared;
namespace Keel.Models.Tests.Onnx;

public sealed class OnnxFlavorTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "keel-onnx-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public void ConvertedModel_PredictsLikeTheMLNetOne()
    {
        var tiny = TinyChurnModel.Train(_dir, onnx: true);
        using var mlnet = ModelFlavors.MLNet.Load(tiny.ZipPath);
        using var onnx = ModelFlavors.Onnx.Load(tiny.OnnxPath);
        var rows = TinyChurnModel.Generate(200, seed: 5).Select(r => new object?[] { (double)r.tenure, (double)r.charges, r.contract }).ToList();

        Assert.Equal(["tenure", "charges", "contract"], onnx.Inputs.Select(i => i.Name));
        Assert.Contains("Probability", onnx.Outputs);
        var a = mlnet.Predict(rows);
        var b = onnx.Predict(rows);
        var pa = mlnet.Outputs.ToList().IndexOf("Probability");
        var pb = onnx.Outputs.ToList().IndexOf("Probability");
        for (var i = 0; i < rows.Count; i++)
            Assert.True(Math.Abs((double)a[i][pa]! - (double)b[i][pb]!) < 1e-4, $"row {i}: {a[i][pa]} vs {b[i][pb]}");
    }

    [Fact]
    public void Load_Garbage_FailsWithAClearMessage()
    {
        Directory.CreateDirectory(_dir);
        var bad = Path.Combine(_dir, "bad.onnx");
        File.WriteAllBytes(bad, [1, 2, 3, 4]);

        var e = Assert.ThrowsAny<KeelException>(() => ModelFlavors.Onnx.Load(bad));
        Assert.Contains("not a loadable ONNX model", e.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }
}
