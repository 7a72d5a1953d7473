using Keel.Monitoring.Statistics;

namespace Keel.Core.Tests.Monitoring.Statistics;

public sealed class DriftDecisionTests
{
    [Fact]
    public void Decide_SignificantButTinyEffect_NotDrifted()
    {
        IReadOnlyList<FeatureDriftVerdict> verdicts = DriftDecision.Decide([new FeatureDriftInput("f", 1e-188, 0.0025, 0.1)]);

        Assert.False(verdicts[0].Drifted);
    }

    [Fact]
    public void Decide_LargeEffectNotSignificantAfterAdjustment_NotDrifted()
    {
        // Raw p 0.03 in a window of 3 features adjusts to 0.09.
        IReadOnlyList<FeatureDriftVerdict> verdicts = DriftDecision.Decide(
        [
            new FeatureDriftInput("a", 0.03, 0.5, 0.1),
            new FeatureDriftInput("b", 0.5, 0.5, 0.1),
            new FeatureDriftInput("c", 0.9, 0.5, 0.1),
        ]);

        Assert.Equal(0.09, verdicts[0].AdjustedPValue, 12);
        Assert.DoesNotContain(verdicts, v => v.Drifted);
    }

    [Fact]
    public void Decide_SignificantAndLargeEffect_Drifted()
    {
        IReadOnlyList<FeatureDriftVerdict> verdicts = DriftDecision.Decide(
        [
            new FeatureDriftInput("a", 1e-6, 0.3, 0.1),
            new FeatureDriftInput("b", 0.7, 0.01, 0.1),
        ]);

        Assert.True(verdicts[0].Drifted);
        Assert.False(verdicts[1].Drifted);
    }

    [Fact]
    public void Decide_NaNInputs_NeverDriftAndNeverNaN()
    {
        IReadOnlyList<FeatureDriftVerdict> verdicts = DriftDecision.Decide([new FeatureDriftInput("a", double.NaN, double.NaN, 0.1)]);

        Assert.False(verdicts[0].Drifted);
        Assert.Equal((1.0, 1.0, 0.0), (verdicts[0].PValue, verdicts[0].AdjustedPValue, verdicts[0].EffectSize));
    }

    [Fact]
    public void Decide_InvalidRate_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DriftDecision.Decide([], 0.0));
    }
}
