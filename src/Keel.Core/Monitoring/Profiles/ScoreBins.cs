namespace Keel.Monitoring.Profiles;

/// <summary>Equal-width bins of a probability score on [0, 1]; out-of-range scores are clamped.</summary>
internal static class ScoreBins
{
    public static int Index(double score, int bins) =>
        (int)Math.Clamp(Math.Floor(Math.Clamp(score, 0, 1) * bins), 0, bins - 1);

    public static double Center(int bin, int bins) => (bin + 0.5) / bins;

    /// <summary>First bin whose scores are predicted positive (score ≥ 0.5).</summary>
    public static int PositiveFrom(int bins) => Index(0.5, bins);
}
