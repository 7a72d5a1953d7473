namespace Keel.Monitoring.Statistics;

/// <summary>
/// Moments that cannot overflow: values are scaled by a power of two near their largest magnitude (exact in
/// binary floating point) before anything is squared or summed, so features near 1e200 or 1e308 keep a
/// finite, correct standard deviation instead of an infinite one that would turn every normalised
/// distance into 0.
/// </summary>
internal static class Spread
{
    /// <summary>A power of two at or above the largest finite magnitude in the samples (1 when all are 0 or there are none).</summary>
    public static double Scale(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double max = 0;
        foreach (double x in a)
        {
            max = double.IsFinite(x) ? Math.Max(max, Math.Abs(x)) : max;
        }

        foreach (double x in b)
        {
            max = double.IsFinite(x) ? Math.Max(max, Math.Abs(x)) : max;
        }

        return PowerOfTwoAbove(max);
    }

    /// <summary>The smallest power of two ≥ <paramref name="magnitude"/> (1 for 0; capped so its reciprocal stays finite).</summary>
    public static double PowerOfTwoAbove(double magnitude) =>
        magnitude > 0 && double.IsFinite(magnitude) ? Math.ScaleB(1.0, Math.Clamp(Math.ILogB(magnitude) + 1, -1000, 1023)) : 1.0;

    /// <summary>Population mean and standard deviation of the concatenation of two samples of finite values, two-pass on scaled values.</summary>
    public static (double Mean, double StandardDeviation) Moments(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double n = a.Length + b.Length;
        if (n == 0)
        {
            return (0, 0);
        }

        double scale = Scale(a, b);
        double inverse = 1.0 / scale;
        double sum = 0;
        foreach (double x in a)
        {
            sum += x * inverse;
        }

        foreach (double x in b)
        {
            sum += x * inverse;
        }

        double mean = sum / n;
        double squares = 0;
        foreach (double x in a)
        {
            double d = (x * inverse) - mean;
            squares += d * d;
        }

        foreach (double x in b)
        {
            double d = (x * inverse) - mean;
            squares += d * d;
        }

        return (mean * scale, Math.Sqrt(squares / n) * scale);
    }
}
