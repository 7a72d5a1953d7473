using Keel.Monitoring;
using Keel.Monitoring.Profiles;
using Xunit.Abstractions;

namespace Keel.Core.Tests.Monitoring.Evaluation;

/// <summary>
/// The acceptance figures under the full rule (profiles, BH across features, effect thresholds,
/// quality checks, 2-of-3 persistence): reference 20,000 rows, 5 numeric N(0,1) features and one categorical.
/// </summary>
public sealed class FalseAlarmAndDetectionTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(5_000)]   // exact KS and Wasserstein (window values kept)
    [InlineData(20_000)]  // binned KS and Wasserstein (window beyond the 10,000 exact cap)
    public void Evaluate_200NoDriftWindows_AtMostTwoPercentAlert(int rows)
    {
        // Given a reference and 200 windows from the same distribution
        var random = new Random(20260301 + rows);
        ReferenceProfile reference = Synthetic.Reference(random, 20_000, 5);
        var tracker = new AlertTracker(new AlertPolicy());
        int alertingWindows = 0;
        int sustained = 0;
        for (int w = 0; w < 200; w++)
        {
            // When each window is judged
            WindowReport report = Synthetic.Judge(reference, Synthetic.Batch(Synthetic.Columns(random, rows, 5)));
            alertingWindows += report.Severity == Severity.Alert ? 1 : 0;
            sustained += tracker.Observe(report).State == Severity.Alert ? 1 : 0;
        }

        // Then at most 2% of windows alert, before persistence as well as after
        output.WriteLine($"{rows} rows: {alertingWindows} alerting windows, {sustained} sustained, of 200");
        Assert.InRange(alertingWindows, 0, 4);
        Assert.InRange(sustained, 0, 4);
    }

    [Theory]
    [InlineData(10_000)]
    [InlineData(50_000)]
    public void Evaluate_PointTwoSdShiftInOneFeature_SustainedAlertWithinTwoWindows(int rows)
    {
        // Given feature x3 shifted by 0.2 standard deviations
        var random = new Random(7 + rows);
        ReferenceProfile reference = Synthetic.Reference(random, 20_000, 5);
        var tracker = new AlertTracker(new AlertPolicy());
        int? detectedAt = null;
        for (int w = 0; w < 2 && detectedAt is null; w++)
        {
            // When windows of 10,000 (or 50,000) rows arrive
            WindowReport report = Synthetic.Judge(reference, Synthetic.Batch(Synthetic.Columns(random, rows, 5, shiftedFeature: 3, shift: 0.2)));

            // Then only x3 drifts, and the sustained alert fires by the second window
            Assert.Equal(["x3"], report.Features.Where(f => f.Drifted).Select(f => f.Feature));
            if (tracker.Observe(report).State == Severity.Alert)
            {
                detectedAt = w + 1;
            }
        }

        Assert.Equal(2, detectedAt);
    }

    [Fact]
    public void Evaluate_NegligibleShiftInHugeWindow_SignificantButNoDrift()
    {
        // Given a 0.05 sd shift over 200,000 rows: KS is overwhelmingly significant, the effect is tiny
        var random = new Random(11);
        ReferenceProfile reference = Synthetic.Reference(random, 100_000, 1, categorical: false);
        WindowReport report = Synthetic.Judge(reference, Synthetic.Batch(Synthetic.Columns(random, 200_000, 1, categorical: false, shiftedFeature: 0, shift: 0.05)));

        // Then the feature is reported as a small effect, never as drift
        FeatureDrift x = Assert.Single(report.Features);
        Assert.True(x.AdjustedPValue < 1e-10, $"p {x.AdjustedPValue}");
        Assert.False(x.Drifted);
        Assert.Equal("small_effect", x.Status);
        Assert.Equal(Severity.Warn, report.Severity);
    }
}
