using System.Diagnostics;
using Keel.Examples.Shared;
using Microsoft.ML;

namespace Keel.Examples.Churn.Training;

/// <summary><c>train</c>: fits the pipeline and saves a canonical (byte-reproducible) model zip.</summary>
internal static class TrainCommand
{
    public static int Run(ArgReader args)
    {
        var trainPath = args.Required("train");
        var output = args.Required("out");
        var settings = TrainSettings.From(ParamsFile.Load(args.Required("params")));
        args.EnsureAllRead();

        var seed = SeedSource.FromEnvironment();
        var clock = Stopwatch.StartNew();
        var ml = new MLContext(seed);
        var data = ChurnData.Load(ml, trainPath);
        var model = ChurnPipeline.Build(ml, settings, seed).Fit(data);

        using var buffer = new MemoryStream();
        ml.Model.Save(model, data.Schema, buffer);
        buffer.Position = 0;
        CanonicalZip.Write(buffer, output);
        Console.Error.WriteLine(
            $"train: {settings.Trainer} {settings.Trees} trees, seed {seed}, {clock.Elapsed.TotalSeconds:0.00} s -> {output}");
        return 0;
    }
}
