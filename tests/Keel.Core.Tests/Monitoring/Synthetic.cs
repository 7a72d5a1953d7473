using Keel.Monitoring;
using Keel.Monitoring.Profiles;

namespace Keel.Core.Tests.Monitoring;

/// <summary>Seeded synthetic data: numeric features N(shift, 1) and a categorical feature over five levels.</summary>
internal static class Synthetic
{
    public static readonly string[] Levels = ["a", "b", "c", "d", "e"];
    private static readonly double[] LevelWeights = [0.35, 0.25, 0.2, 0.15, 0.05];

    public static List<DataColumn> Columns(Random random, int rows, int numeric, bool categorical = true, int shiftedFeature = -1, double shift = 0)
    {
        var columns = new List<DataColumn>();
        for (int f = 0; f < numeric; f++)
        {
            columns.Add(DataColumn.OfNumbers($"x{f}", Normal(random, rows, f == shiftedFeature ? shift : 0)));
        }

        if (categorical)
        {
            var levels = new string?[rows];
            for (int i = 0; i < rows; i++)
            {
                double u = random.NextDouble();
                int k = 0;
                while (k < LevelWeights.Length - 1 && (u -= LevelWeights[k]) > 0)
                {
                    k++;
                }

                levels[i] = Levels[k];
            }

            columns.Add(DataColumn.OfTexts("cat", levels));
        }

        return columns;
    }

    public static ReferenceProfile Reference(Random random, int rows, int numeric, bool categorical = true) =>
        ReferenceProfileBuilder.Build(Columns(random, rows, numeric, categorical), new ReferenceColumns(), "synthetic");

    public static PredictionBatch Batch(List<DataColumn> columns) => new() { Count = columns[0].Length, Features = columns };

    public static double[] Normal(Random random, int n, double mean)
    {
        double[] values = new double[n];
        for (int i = 0; i < n; i++)
        {
            double u1 = 1.0 - random.NextDouble();
            double u2 = random.NextDouble();
            values[i] = mean + (Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
        }

        return values;
    }

    public static WindowReport Judge(ReferenceProfile reference, PredictionBatch batch, MonitorOptions? options = null)
    {
        var window = new WindowProfile(reference);
        window.Add(batch);
        return Keel.Monitoring.Evaluation.WindowEvaluator.Evaluate(window, options ?? new MonitorOptions(), 0, "test");
    }
}
