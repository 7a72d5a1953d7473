using Keel.Monitoring.Statistics;

namespace Keel.Core.Tests.Monitoring.Statistics;

/// <summary>End-to-end behaviour of KS + normalised Wasserstein + BH on simulated windows.</summary>
public sealed class DriftSimulationTests
{
    // Evidently's default threshold for normalised Wasserstein.
    private const double EffectThreshold = 0.1;

    [Theory]
    [InlineData(2000)]
    [InlineData(5000)]
    public void Decide_200NoDriftWindows_AlertsInAtMostTwoPercent(int rows)
    {
        Assert.InRange(AlertingWindows(rows), 0, 200 * 2 / 100);
    }

    [Fact]
    public void Decide_200NoDriftWindowsOf1000Rows_AlertsWithinTheFdrLevel()
    {
        // At 1,000 rows a null normalised Wasserstein often exceeds 0.1, so the effect gate adds little
        // and the rate is that of BH alone under the global null (at most q = 5%); measured: 8 of 200.
        Assert.InRange(AlertingWindows(1000), 0, 200 * 5 / 100);
    }

    [Fact]
    public void Decide_ShiftOfPointTwoSdInOneFeatureOver10000Rows_DetectsOnlyThatFeature()
    {
        // Given 10,000 rows, 5 features, feature f2 shifted by 0.2 standard deviations
        var random = new Random(42);
        const int Rows = 10_000;
        var inputs = new List<FeatureDriftInput>();
        for (int f = 0; f < 5; f++)
        {
            double[] reference = Normal(random, Rows, 0.0);
            double[] current = Normal(random, Rows, f == 2 ? 0.2 : 0.0);
            inputs.Add(Evaluate($"f{f}", reference, current));
        }

        // When judged
        IReadOnlyList<FeatureDriftVerdict> verdicts = DriftDecision.Decide(inputs);

        // Then only f2 drifts
        Assert.Equal(["f2"], verdicts.Where(v => v.Drifted).Select(v => v.Feature));
    }

    private static int AlertingWindows(int rows)
    {
        // Given 200 windows of 5 independent features with no drift (reference and current from N(0,1))
        var random = new Random(20260126);
        const int Windows = 200;
        const int Features = 5;
        int alertingWindows = 0;
        for (int w = 0; w < Windows; w++)
        {
            var inputs = new List<FeatureDriftInput>(Features);
            for (int f = 0; f < Features; f++)
            {
                double[] reference = Normal(random, rows, 0.0);
                double[] current = Normal(random, rows, 0.0);
                inputs.Add(Evaluate($"f{f}", reference, current));
            }

            // When the BH + effect-size rule judges the window
            if (DriftDecision.Decide(inputs).Any(v => v.Drifted))
            {
                alertingWindows++;
            }
        }

        return alertingWindows;
    }

    private static FeatureDriftInput Evaluate(string name, double[] reference, double[] current)
    {
        KsResult ks = KsTest.CompareUnsorted(reference, current);
        WassersteinResult w = Wasserstein.Compare(reference, current);
        return new FeatureDriftInput(name, ks.PValue, w.NormalizedDistance, EffectThreshold);
    }

    // Box-Muller on a seeded generator.
    private static double[] Normal(Random random, int n, double mean)
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
}
