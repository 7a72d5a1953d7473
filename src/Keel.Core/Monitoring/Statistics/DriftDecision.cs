namespace Keel.Monitoring.Statistics;

/// <summary>
/// Declares drift per feature only when it is both significant after Benjamini-Hochberg correction and
/// large enough to matter: at large n every test is significant, and without the effect-size gate
/// monitors alert on shifts nobody cares about.
/// </summary>
public static class DriftDecision
{
    /// <summary>Default false discovery rate.</summary>
    public const double DefaultFalseDiscoveryRate = 0.05;

    /// <summary>Judges all features of one window together; a NaN effect size never counts as drift.</summary>
    public static IReadOnlyList<FeatureDriftVerdict> Decide(IReadOnlyList<FeatureDriftInput> features, double falseDiscoveryRate = DefaultFalseDiscoveryRate)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (!(falseDiscoveryRate > 0 && falseDiscoveryRate < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(falseDiscoveryRate), falseDiscoveryRate, "Must be in (0, 1).");
        }

        double[] p = [.. features.Select(f => f.PValue)];
        double[] adjusted = BenjaminiHochberg.Adjust(p);
        var verdicts = new FeatureDriftVerdict[features.Count];
        for (int i = 0; i < features.Count; i++)
        {
            FeatureDriftInput f = features[i];
            bool drifted = adjusted[i] < falseDiscoveryRate && f.EffectSize >= f.EffectThreshold;
            verdicts[i] = new FeatureDriftVerdict(f.Feature, double.IsNaN(f.PValue) ? 1.0 : f.PValue, adjusted[i], double.IsNaN(f.EffectSize) ? 0.0 : f.EffectSize, drifted);
        }

        return verdicts;
    }
}
