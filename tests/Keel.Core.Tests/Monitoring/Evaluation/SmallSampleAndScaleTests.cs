using System.Globalization;
using Keel.Monitoring;
using Keel.Monitoring.Profiles;
using Keel.Monitoring.Statistics;

namespace Keel.Core.Tests.Monitoring.Evaluation;

/// <summary>Issue 17, failure 8: tiny references, the detectable effect of a window's n, missing counts, and values near 1e200.</summary>
public sealed class SmallSampleAndScaleTests
{
    [Fact]
    public void Evaluate_OneRowReference_SaysTooFewRowsAndNeverDrifts()
    {
        // Given a reference of one row and a 500-row window far from it
        var random = new Random(11);
        ReferenceProfile reference = ReferenceProfileBuilder.Build(
            [DataColumn.OfNumbers("x0", [0.0]), DataColumn.OfTexts("cat", ["a"])], new ReferenceColumns(), "one-row.csv");
        WindowReport report = Synthetic.Judge(reference, Synthetic.Batch(Synthetic.Columns(random, 500, 1, shiftedFeature: 0, shift: 3)));

        // Then no verdict is given: the window says the reference is too small
        Assert.True(report.Insufficient);
        Assert.NotEqual(Severity.Alert, report.Severity);
        Assert.All(report.Features, f => Assert.False(f.Drifted));
        Assert.Contains(report.Reasons, r => r.StartsWith("too few rows: the reference has 1 row(s)", StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_FeatureWithFewValuesOnOneSide_HasNoVerdictAndSaysWhy()
    {
        // Given a window where x0 is present in only 10 of 2,000 rows, shifted by 5 sd
        var random = new Random(12);
        ReferenceProfile reference = Synthetic.Reference(random, 5_000, 2);
        List<DataColumn> columns = Synthetic.Columns(random, 2_000, 2);
        double[] sparse = [.. Synthetic.Normal(random, 2_000, 5).Select((x, i) => i < 10 ? x : double.NaN)];
        columns[0] = DataColumn.OfNumbers("x0", sparse);
        WindowReport report = Synthetic.Judge(reference, Synthetic.Batch(columns));

        // Then x0 gets no drift verdict, with a "too few values" reason naming the counts
        FeatureDrift x0 = report.Features.Single(f => f.Feature == "x0");
        Assert.Equal("insufficient", x0.Status);
        Assert.False(x0.Drifted);
        Assert.Contains(report.Reasons, r => r.Contains("too few values in 'x0'", StringComparison.Ordinal) && r.Contains("10 in the window", StringComparison.Ordinal));
    }

    [Fact]
    public void Evaluate_SmallWindow_StatesAMinimumDetectableEffectThatShrinksWithN()
    {
        // Given the same reference judged against windows of 150 and 5,000 rows
        var random = new Random(13);
        ReferenceProfile reference = Synthetic.Reference(random, 20_000, 1);
        FeatureDrift small = Synthetic.Judge(reference, Synthetic.Batch(Synthetic.Columns(random, 150, 1))).Features.Single(f => f.Feature == "x0");
        FeatureDrift large = Synthetic.Judge(reference, Synthetic.Batch(Synthetic.Columns(random, 5_000, 1))).Features.Single(f => f.Feature == "x0");
        FeatureDrift category = Synthetic.Judge(reference, Synthetic.Batch(Synthetic.Columns(random, 150, 1))).Features.Single(f => f.Feature == "cat");

        // Then each feature states the effect its n can detect, in the decision metric's unit: about 1.36·√(1/150)·2.5 sd at 150 rows,
        // above the 0.1 sd threshold, so a smaller shift cannot be told from chance there; far smaller at 5,000 rows
        Assert.NotNull(small.MinimumDetectableEffect);
        Assert.InRange(small.MinimumDetectableEffect!.Value, 0.25, 0.35);
        Assert.InRange(large.MinimumDetectableEffect!.Value, 0.04, 0.07);
        Assert.NotNull(category.MinimumDetectableEffect);
        Assert.InRange(category.MinimumDetectableEffect!.Value, 0.05, 0.2);
    }

    [Fact]
    public void Shift_KnownCounts_MatchesTheKsCriticalValueOfANormalShift()
    {
        // Given n = m = 1,000 at α = 0.05: the KS critical value is 1.3581·√(2/1000) = 0.060736,
        // and a normal location shift δ has KS distance 2Φ(δ/2) - 1, so δ = 2Φ⁻¹(0.530368) = 0.152390
        double? shift = DetectableEffect.Shift(1_000, 1_000, 0.05);

        Assert.NotNull(shift);
        Assert.Equal(0.152390, shift!.Value, 5);
        Assert.Null(DetectableEffect.Shift(1, 1, 0.05));
        Assert.Equal(16.918978, DetectableEffect.ChiSquareCritical(9, 0.05), 4);
    }

    [Fact]
    public void Profiles_UnparseableNumbers_AreCountedOnceAsMissing()
    {
        // Given a reference without missing values and a 500-row window where 20 values of x0 are not numbers
        var random = new Random(14);
        ReferenceProfile reference = Synthetic.Reference(random, 5_000, 1, categorical: false);
        double[] values = Synthetic.Normal(random, 500, 0);
        string?[] texts = [.. values.Select((x, i) => i < 20 ? "n/a" : x.ToString("R", CultureInfo.InvariantCulture))];
        var window = new WindowProfile(reference);
        window.Add(Synthetic.Batch([DataColumn.OfTexts("x0", texts)]));
        WindowReport report = Keel.Monitoring.Evaluation.WindowEvaluator.Evaluate(window, new MonitorOptions(), 0, "test");

        // Then 20 of 500 are missing (4 %), below the 5-point increase that warns; the type violation is still reported
        Assert.Equal(20, window.NumericFeature("x0")!.Missing);
        Assert.DoesNotContain(report.Quality, q => q.Code == "missing_rate");
        Assert.Contains(report.Quality, q => q.Code == "type_violation" && q.Message.Contains("20 value(s)", StringComparison.Ordinal));

        // And a reference with unparseable cells (few enough to stay numeric: 3 of 500) counts them once too
        string?[] referenceTexts = [.. Synthetic.Normal(random, 500, 0).Select((x, i) => i < 3 ? "n/a" : x.ToString("R", CultureInfo.InvariantCulture))];
        ReferenceProfile withText = ReferenceProfileBuilder.Build([DataColumn.OfTexts("x0", referenceTexts)], new ReferenceColumns(), "r.csv");
        Assert.Equal(3, withText.Features.Single().Numeric!.Missing);
    }

    [Theory]
    [InlineData(1e200)]
    [InlineData(1e300)]
    public void Evaluate_ValuesNear1e200_OneSdShiftIsDriftNotSmall(double scale)
    {
        // Given a feature in units of `scale` and a window shifted by one standard deviation
        var random = new Random(15);
        double[] reference = [.. Synthetic.Normal(random, 5_000, 0).Select(x => x * scale)];
        double[] current = [.. Synthetic.Normal(random, 2_000, 1).Select(x => x * scale)];
        ReferenceProfile profile = ReferenceProfileBuilder.Build([DataColumn.OfNumbers("x0", reference)], new ReferenceColumns(), "huge.csv");
        FeatureDrift x0 = Synthetic.Judge(profile, Synthetic.Batch([DataColumn.OfNumbers("x0", current)])).Features.Single();

        // Then the reference sd is finite and the normalised Wasserstein is about 1, so the feature drifts
        Assert.True(double.IsFinite(profile.Features.Single().Numeric!.StandardDeviation));
        Assert.InRange(profile.Features.Single().Numeric!.StandardDeviation / scale, 0.95, 1.05);
        Assert.InRange(x0.Wasserstein!.Value, 0.9, 1.1);
        Assert.True(x0.Drifted, $"status {x0.Status}, effect {x0.Effect}");
    }

    [Fact]
    public void Evaluate_ValuesNear1e200OnTheBinnedPath_OneSdShiftIsDrift()
    {
        // Given a window too large for the exact path (more than 10,000 values), in units of 1e200
        var random = new Random(16);
        double[] reference = [.. Synthetic.Normal(random, 20_000, 0).Select(x => x * 1e200)];
        double[] current = [.. Synthetic.Normal(random, 12_000, 1).Select(x => x * 1e200)];
        ReferenceProfile profile = ReferenceProfileBuilder.Build([DataColumn.OfNumbers("x0", reference)], new ReferenceColumns(), "huge.csv");
        FeatureDrift x0 = Synthetic.Judge(profile, Synthetic.Batch([DataColumn.OfNumbers("x0", current)])).Features.Single();

        Assert.Equal("binned", x0.Method);
        Assert.InRange(x0.Wasserstein!.Value, 0.9, 1.1);
        Assert.True(x0.Drifted);
    }

    [Fact]
    public void Compare_ValuesNear1e300_NormalisedDistanceIsFinite()
    {
        WassersteinResult result = Wasserstein.Compare([-1e300, 0, 1e300], [-1e300 + 1e299, 1e299, 1e300 + 1e299]);

        Assert.InRange(result.NormalizedDistance, 0.1, 0.13);
        Assert.True(double.IsFinite(result.ReferenceStandardDeviation));
    }
}
