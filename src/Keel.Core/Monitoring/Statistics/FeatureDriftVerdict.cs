namespace Keel.Monitoring.Statistics;

/// <summary>Decision for one feature.</summary>
/// <param name="Feature">Feature name.</param>
/// <param name="PValue">Unadjusted p-value.</param>
/// <param name="AdjustedPValue">Benjamini-Hochberg adjusted p-value over all features of the window.</param>
/// <param name="EffectSize">Effect size as given.</param>
/// <param name="Drifted">True when the adjusted p-value is below q and the effect size reaches its threshold.</param>
public sealed record FeatureDriftVerdict(string Feature, double PValue, double AdjustedPValue, double EffectSize, bool Drifted);
