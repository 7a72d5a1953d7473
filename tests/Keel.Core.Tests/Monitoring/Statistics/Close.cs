namespace Keel.Core.Tests.Monitoring.Statistics;

/// <summary>Relative-tolerance assertions for comparisons with SciPy.</summary>
internal static class Close
{
    /// <summary>Statistics: 1e-9 relative.</summary>
    public const double StatisticTolerance = 1e-9;

    /// <summary>P-values: 1e-6 relative.</summary>
    public const double PValueTolerance = 1e-6;

    public static void Equal(double expected, double actual, double relative, double absolute = 1e-300, string? what = null)
    {
        Assert.True(double.IsFinite(actual), $"{what}: got non-finite {actual}");
        double allowed = (relative * Math.Abs(expected)) + absolute;
        Assert.True(
            Math.Abs(expected - actual) <= allowed,
            $"{what}: expected {expected:R}, got {actual:R} (relative error {Math.Abs(expected - actual) / Math.Max(Math.Abs(expected), 1e-300):E2}, allowed {relative:E1})");
    }
}
