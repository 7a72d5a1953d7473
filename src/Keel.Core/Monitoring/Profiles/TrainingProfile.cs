namespace Keel.Monitoring.Profiles;

/// <summary>What the training data looked like, per feature: the baseline monitoring compares production with.</summary>
public sealed record TrainingProfile(long Rows, IReadOnlyList<FeatureProfile> Features)
{
    public const string Format = "keel-profile 1";
}
