using Keel.Monitoring;
using Keel.Monitoring.Evaluation;
using Keel.Monitoring.Profiles;

namespace Keel.Core.Tests.Monitoring.Profiles;

public sealed class ProfileTests
{
    [Fact]
    public void BinLocator_RandomValues_SameBinAsBinarySearch()
    {
        var random = new Random(3);
        ReferenceProfile reference = Synthetic.Reference(random, 50_000, 1, categorical: false);
        double[] edges = reference.Features[0].Numeric!.Edges;
        var locator = new BinLocator(edges);
        foreach (double x in Synthetic.Normal(random, 200_000, 0.3).Concat(edges).Concat([-1e300, 1e300, edges[0], edges[^1]]))
        {
            int i = Array.BinarySearch(edges, x);
            int expected = i >= 0 ? i : ~i;
            Assert.Equal(expected, locator.Find(x));
        }
    }

    [Fact]
    public void Merge_TwoHalves_SameVerdictAsOneWindowAndBoundedMemory()
    {
        // Given 40,000 rows split in two windows, and the same rows in one window
        var random = new Random(4);
        ReferenceProfile reference = Synthetic.Reference(random, 20_000, 2);
        List<DataColumn> a = Synthetic.Columns(random, 20_000, 2, shiftedFeature: 1, shift: 0.3);
        List<DataColumn> b = Synthetic.Columns(random, 20_000, 2, shiftedFeature: 1, shift: 0.3);
        var first = new WindowProfile(reference);
        first.Add(Synthetic.Batch(a));
        var second = new WindowProfile(reference);
        second.Add(Synthetic.Batch(b));
        var whole = new WindowProfile(reference);
        whole.Add(Synthetic.Batch(a));
        whole.Add(Synthetic.Batch(b));

        // When the halves are merged
        first.Merge(second);

        // Then the merged window judges exactly as the whole one, and holds no more than the bins
        WindowReport merged = WindowEvaluator.Evaluate(first, new MonitorOptions(), 0, "m");
        WindowReport direct = WindowEvaluator.Evaluate(whole, new MonitorOptions(), 0, "w");
        Assert.Equal(direct.Features.Select(f => (f.Statistic, f.PValue, Math.Round(f.Effect, 10), f.Drifted)), merged.Features.Select(f => (f.Statistic, f.PValue, Math.Round(f.Effect, 10), f.Drifted)));
        Assert.Null(first.NumericFeature("x0")!.Exact);
        Assert.True(first.NumericFeature("x0")!.BoundBytes < 200_000);
    }

    [Fact]
    public void BinnedKs_WithinOneBinMassOfExact()
    {
        // Given a 10,001-row window (one past the exact cap) and the same rows judged exactly
        var random = new Random(5);
        ReferenceProfile reference = Synthetic.Reference(random, 20_000, 1, categorical: false);
        double[] current = Synthetic.Normal(random, 10_001, 0.1);
        var window = new WindowProfile(reference);
        window.Add(new PredictionBatch { Count = current.Length, Features = [DataColumn.OfNumbers("x0", current)] });
        FeatureDrift binned = WindowEvaluator.Evaluate(window, new MonitorOptions(), 0, "b").Features[0];
        var exact = Keel.Monitoring.Statistics.KsTest.Compare(reference.Features[0].Numeric!.SortedValues!, current);

        Assert.Equal("binned", binned.Method);
        Assert.InRange(exact.Statistic - binned.Statistic, 0, 2.0 / 1000);
        Assert.InRange(binned.Wasserstein!.Value, 0.08, 0.12);
    }

    [Fact]
    public void Json_RoundTrip_SameEvaluation()
    {
        var random = new Random(6);
        ReferenceProfile reference = Synthetic.Reference(random, 5_000, 2);
        ReferenceProfile back = ReferenceProfile.FromJson(reference.ToJson());
        PredictionBatch batch = Synthetic.Batch(Synthetic.Columns(random, 3_000, 2, shiftedFeature: 0, shift: 0.4));

        WindowReport a = Synthetic.Judge(reference, batch);
        WindowReport b = Synthetic.Judge(back, batch);
        Assert.Equal(a.Features.Select(f => (f.PValue, f.Effect, f.Psi)), b.Features.Select(f => (f.PValue, f.Effect, f.Psi)));
        Assert.Throws<KeelException>(() => ReferenceProfile.FromJson("{not json"u8));
    }

    [Fact]
    public void Performance_CalibratedScores_EstimateCloseToRealisedAndLabelled()
    {
        // Given calibrated scores (label ~ Bernoulli(score)) in the reference and in production
        var random = new Random(7);
        (double[] s, string?[] y) Draw(int n)
        {
            double[] s = [.. Enumerable.Range(0, n).Select(_ => random.NextDouble())];
            return (s, [.. s.Select(p => random.NextDouble() < p ? "1" : "0")]);
        }

        var (rs, ry) = Draw(20_000);
        ReferenceProfile reference = ReferenceProfileBuilder.Build(
            [DataColumn.OfNumbers("score", rs), DataColumn.OfTexts("label", ry), DataColumn.OfNumbers("x", Synthetic.Normal(random, 20_000, 0))],
            new ReferenceColumns { Score = "score", Label = "label" }, "t");
        var (cs, cy) = Draw(10_000);
        var batch = new PredictionBatch { Count = 10_000, Scores = cs, Labels = cy, Features = [DataColumn.OfNumbers("x", Synthetic.Normal(random, 10_000, 0))] };
        PerformanceReport p = Synthetic.Judge(reference, batch).Performance!;

        MetricValue auc = p.Realised.Single(m => m.Name == "auc");
        MetricValue estimated = p.Estimated.Single(m => m.Name == "auc");
        Assert.False(auc.Estimated);
        Assert.True(estimated.Estimated);
        Assert.InRange(auc.Value, 0.80, 0.86);          // E[AUC] = 5/6 for uniform calibrated scores
        Assert.InRange(auc.Value, auc.Low, auc.High);
        Assert.InRange(Math.Abs(p.EstimateError["auc"]), 0, 0.02);
        Assert.Equal("reference", p.Calibration);
    }
}
