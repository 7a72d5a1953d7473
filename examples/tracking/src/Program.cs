using Keel.Examples.Tracking;
using Keel.Tracking;
using Microsoft.ML;
using Microsoft.ML.Trainers.FastTree;

// Usage: tracking-example [--dataset raw@1] [--trees 10,20,40] [--write-data FILE.csv]
// Standalone it creates its own run; under `keel exec` it attaches to Keel's run (KEEL_RUN_ID).
string? dataset = null, writeData = null;
var trees = new[] { 10, 20, 40 };
for (var i = 0; i < args.Length - 1; i += 2)
{
    switch (args[i])
    {
        case "--dataset": dataset = args[i + 1]; break;
        case "--trees": trees = args[i + 1].Split(',').Select(int.Parse).ToArray(); break;
        case "--write-data": writeData = args[i + 1]; break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
    }
}

if (writeData is not null)
{
    Data.WriteCsv(writeData, Data.Generate(7, 4000));
    Console.WriteLine($"wrote {writeData}");
    return 0;
}

await using var run = await KeelRun.StartAsync("train-churn");
Console.WriteLine($"run {run.Id.Short} ({(run.IsAttached ? "attached to keel exec" : "standalone")}), seed {run.Seed32}");

var rows = dataset is null ? Data.Generate(run.Seed32, 4000) : Data.ReadCsv(await run.UseDatasetAsync(dataset, "train"));
var ml = new MLContext(run.Seed32);
var split = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(rows), testFraction: 0.25, seed: run.Seed32);
run.LogParam("trainer", "fasttree");
run.LogParam("rows", rows.Count);
run.LogParam("trees", string.Join(',', trees));

ITransformer? best = null;
var bestAuc = double.NegativeInfinity;
foreach (var n in trees)
{
    var pipeline = ml.Transforms.Concatenate("Features", nameof(Row.Tenure), nameof(Row.Spend), nameof(Row.Tickets))
        .Append(ml.BinaryClassification.Trainers.FastTree(new FastTreeBinaryTrainer.Options { NumberOfTrees = n, Seed = run.Seed32, NumberOfThreads = 1 }));
    var model = pipeline.Fit(split.TrainSet);
    var metrics = ml.BinaryClassification.Evaluate(model.Transform(split.TestSet));
    run.LogMetrics(new Dictionary<string, double> { ["auc"] = metrics.AreaUnderRocCurve, ["f1"] = metrics.F1Score, ["log_loss"] = metrics.LogLoss }, step: n);
    Console.WriteLine($"trees={n,3} auc={metrics.AreaUnderRocCurve:0.0000} f1={metrics.F1Score:0.0000}");
    if (metrics.AreaUnderRocCurve > bestAuc) (best, bestAuc) = (model, metrics.AreaUnderRocCurve);
}

Directory.CreateDirectory("out");
ml.Model.Save(best, split.TrainSet.Schema, "out/model.zip");
run.LogMetric("best_auc", bestAuc);
run.LogArtifact("out/model.zip", "model");
return 0;
