namespace Keel.Monitoring.Statistics;

/// <summary>One feature's test outcome to be judged by <see cref="DriftDecision"/>.</summary>
/// <param name="Feature">Feature name.</param>
/// <param name="PValue">Unadjusted p-value of the feature's drift test.</param>
/// <param name="EffectSize">Effect size (e.g. normalised Wasserstein, PSI, Jensen-Shannon distance).</param>
/// <param name="EffectThreshold">Smallest effect size that counts as drift for this feature.</param>
public sealed record FeatureDriftInput(string Feature, double PValue, double EffectSize, double EffectThreshold);
