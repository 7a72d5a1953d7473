using Keel.Monitoring.Profiles;

namespace Keel.Monitoring.Evaluation;

/// <summary>
/// Realised AUC and accuracy (classification) or RMSE (regression) with 95% intervals from a window's labels,
/// and, for classification, the CBPE-style estimate from calibrated confidence over all scored rows.
/// </summary>
internal static class PerformanceEvaluator
{
    private const double Z = 1.959963984540054;

    public static PerformanceReport? Evaluate(WindowProfile window, MonitorOptions options)
    {
        ReferenceProfile reference = window.Reference;
        PerformanceSketch s = window.Performance;
        if (reference.Task == ModelTask.Regression)
        {
            return s.RegressionCount == 0 ? new PerformanceReport { LabelCoverage = 0 } : new PerformanceReport
            {
                Realised = [Rmse(s)],
                LabelCoverage = Coverage(s.RegressionCount, window.ScoredRows),
                Calibration = "none",
            };
        }

        if (reference.Task != ModelTask.BinaryClassification || window.ScoredRows == 0)
        {
            return null;
        }

        int bins = s.Bins;
        double[] p = new double[bins];
        for (int b = 0; b < bins; b++)
        {
            p[b] = reference.Calibration is { } cal && cal.Length == bins ? cal[b]
                : s.Scored[b] > 0 ? s.ScoreSums[b] / s.Scored[b] : ScoreBins.Center(b, bins);
        }

        long labelled = s.Labelled;
        var realised = new List<MetricValue>();
        var error = new Dictionary<string, double>();
        if (labelled > 0)
        {
            double[] pos = [.. s.Positives.Select(x => (double)x)];
            double[] neg = [.. s.Negatives.Select(x => (double)x)];
            realised.Add(Accuracy(pos, neg, estimated: false));
            if (Auc(pos, neg, estimated: false) is { } auc)
            {
                realised.Add(auc);
            }

            if (labelled >= options.ReconcileCoverage * window.ScoredRows)
            {
                double[] labelledRows = [.. s.Positives.Zip(s.Negatives, (a, c) => (double)(a + c))];
                var (ePos, eNeg) = Expected(labelledRows, p);
                foreach (MetricValue r in realised)
                {
                    MetricValue? e = r.Name == "auc" ? Auc(ePos, eNeg, true) : Accuracy(ePos, eNeg, true);
                    if (e is not null)
                    {
                        error[r.Name] = e.Value - r.Value;
                    }
                }
            }
        }

        var (expectedPos, expectedNeg) = Expected([.. s.Scored.Select(x => (double)x)], p);
        var estimated = new List<MetricValue> { Accuracy(expectedPos, expectedNeg, estimated: true) };
        if (Auc(expectedPos, expectedNeg, estimated: true) is { } estimatedAuc)
        {
            estimated.Add(estimatedAuc);
        }

        return new PerformanceReport
        {
            Realised = realised,
            Estimated = estimated,
            LabelCoverage = Coverage(labelled, window.ScoredRows),
            EstimateError = error,
            Calibration = reference.Calibration is null ? "assumed" : "reference",
        };
    }

    private static (double[] Pos, double[] Neg) Expected(double[] rows, double[] p) =>
        ([.. rows.Select((n, b) => n * p[b])], [.. rows.Select((n, b) => n * (1 - p[b]))]);

    private static double Coverage(long labelled, long scored) => scored == 0 ? 0 : Math.Min(1, labelled / (double)scored);

    // Predicted positive when score ≥ 0.5; Wilson score interval.
    private static MetricValue Accuracy(double[] pos, double[] neg, bool estimated)
    {
        int half = ScoreBins.PositiveFrom(pos.Length);
        double correct = 0;
        double n = 0;
        for (int b = 0; b < pos.Length; b++)
        {
            correct += b >= half ? pos[b] : neg[b];
            n += pos[b] + neg[b];
        }

        double acc = n > 0 ? correct / n : 0;
        double z2 = Z * Z;
        double centre = (acc + (z2 / (2 * n))) / (1 + (z2 / n));
        double half95 = Z * Math.Sqrt((acc * (1 - acc) / n) + (z2 / (4 * n * n))) / (1 + (z2 / n));
        return new MetricValue("accuracy", acc, Clamp01(centre - half95), Clamp01(centre + half95), (long)Math.Round(n), estimated);
    }

    // AUC on score bins (ties within a bin count one half); Hanley-McNeil standard error.
    private static MetricValue? Auc(double[] pos, double[] neg, bool estimated)
    {
        double p = pos.Sum();
        double q = neg.Sum();
        if (p <= 0 || q <= 0)
        {
            return null;
        }

        double below = 0;
        double area = 0;
        for (int b = 0; b < pos.Length; b++)
        {
            area += pos[b] * (below + (0.5 * neg[b]));
            below += neg[b];
        }

        double a = Clamp01(area / (p * q));
        double q1 = a / (2 - a);
        double q2 = 2 * a * a / (1 + a);
        double variance = ((a * (1 - a)) + ((p - 1) * (q1 - (a * a))) + ((q - 1) * (q2 - (a * a)))) / (p * q);
        double se = Math.Sqrt(Math.Max(variance, 0));
        return new MetricValue("auc", a, Clamp01(a - (Z * se)), Clamp01(a + (Z * se)), (long)Math.Round(p + q), estimated);
    }

    // Delta method on the mean squared error, using the fourth moment of the errors.
    private static MetricValue Rmse(PerformanceSketch s)
    {
        double n = s.RegressionCount;
        double mse = s.ErrorSquares / n;
        double variance = Math.Max((s.ErrorFourths / n) - (mse * mse), 0);
        double se = Math.Sqrt(variance / n);
        double rmse = Math.Sqrt(mse);
        return new MetricValue("rmse", Finite(rmse), Finite(Math.Sqrt(Math.Max(mse - (Z * se), 0))), Finite(Math.Sqrt(mse + (Z * se))), s.RegressionCount, false);
    }

    private static double Clamp01(double x) => double.IsNaN(x) ? 0 : Math.Clamp(x, 0, 1);

    private static double Finite(double x) => double.IsFinite(x) ? x : double.MaxValue;
}
