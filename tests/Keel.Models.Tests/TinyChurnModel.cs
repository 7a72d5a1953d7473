using System.Globalization;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;

namespace Keel.Tests.Shared;

/// <summary>
/// A small churn-like FastTree model trained in the test (about a second): two numbers, one
/// category, a boolean label; with its train and holdout CSVs and an ONNX conversion.
/// </summary>
internal sealed class TinyChurnModel
{
    public const string Header = "customer_id,tenure,charges,contract,churned";

    private TinyChurnModel(string dir) => Directory = dir;

    public string Directory { get; }

    public string ZipPath => Path.Combine(Directory, "model.zip");

    public string OnnxPath => Path.Combine(Directory, "model.onnx");

    public string TrainCsv => Path.Combine(Directory, "train.csv");

    public string HoldoutCsv => Path.Combine(Directory, "holdout.csv");

    /// <summary>Trains into <paramref name="dir"/>; <paramref name="trees"/> changes the model (for a second version).</summary>
    public static TinyChurnModel Train(string dir, int trees = 20, bool onnx = false)
    {
        System.IO.Directory.CreateDirectory(dir);
        var model = new TinyChurnModel(dir);
        var rows = Generate(3000, seed: 11);
        WriteCsv(model.TrainCsv, rows.Take(2400));
        WriteCsv(model.HoldoutCsv, rows.Skip(2400));
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(rows.Take(2400));
        var pipeline = ml.Transforms.Categorical.OneHotEncoding("contract_onehot", "contract")
            .Append(ml.Transforms.Concatenate("Features", "tenure", "charges", "contract_onehot"))
            .Append(ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options
            {
                NumberOfTrees = trees, NumberOfLeaves = 8, MinimumExampleCountPerLeaf = 10, NumberOfThreads = 1, Seed = 3,
            }));
        var transformer = pipeline.Fit(data);
        ml.Model.Save(transformer, data.Schema, model.ZipPath);
        if (onnx)
        {
            var features = ml.Data.LoadFromEnumerable(rows.Take(10).Select(r => new Features { tenure = r.tenure, charges = r.charges, contract = r.contract }));
            using var stream = File.Create(model.OnnxPath);
            ml.Model.ConvertToOnnx(transformer, features, stream);
        }
        return model;
    }

    public static List<Row> Generate(int n, int seed)
    {
        var random = new Random(seed);
        string[] contracts = ["monthly", "yearly", "two-year"];
        var rows = new List<Row>(n);
        for (var i = 0; i < n; i++)
        {
            var tenure = (float)Math.Round(random.NextDouble() * 72, 1);
            var charges = (float)Math.Round(20 + (random.NextDouble() * 100), 2);
            var contract = contracts[random.Next(3)];
            var logit = 1.5 - (0.06 * tenure) + (0.02 * charges) + (contract == "monthly" ? 1.2 : -1.0);
            var churned = random.NextDouble() < 1 / (1 + Math.Exp(-logit));
            rows.Add(new Row { customer_id = i, tenure = tenure, charges = charges, contract = contract, Label = churned });
        }
        return rows;
    }

    private static void WriteCsv(string path, IEnumerable<Row> rows)
    {
        var sb = new StringBuilder(Header).Append('\n');
        foreach (var r in rows)
            sb.Append(CultureInfo.InvariantCulture, $"{r.customer_id},{r.tenure.ToString(CultureInfo.InvariantCulture)},{r.charges.ToString(CultureInfo.InvariantCulture)},{r.contract},{(r.Label ? "true" : "false")}\n");
        File.WriteAllText(path, sb.ToString());
    }

#pragma warning disable IDE1006, CA1707 // ML.NET maps columns by member name
    internal sealed class Row
    {
        public long customer_id { get; set; }

        public float tenure { get; set; }

        public float charges { get; set; }

        public string contract { get; set; } = "";

        public bool Label { get; set; }
    }

    internal sealed class Features
    {
        public float tenure { get; set; }

        public float charges { get; set; }

        public string contract { get; set; } = "";
    }
#pragma warning restore IDE1006, CA1707
}
