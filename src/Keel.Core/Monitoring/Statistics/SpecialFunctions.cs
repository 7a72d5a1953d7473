namespace Keel.Monitoring.Statistics;

/// <summary>Log-gamma and the regularized incomplete gamma functions, in managed code.</summary>
internal static class SpecialFunctions
{
    // Lanczos approximation, g = 671/128, 14 terms (Numerical Recipes, 3rd ed., 6.1): ~1e-15 relative.
    private static readonly double[] LanczosCoefficients =
    [
        57.1562356658629235, -59.5979603554754912, 14.1360979747417471, -0.491913816097620199,
        0.339946499848118887e-4, 0.465236289270485756e-4, -0.983744753048795646e-4,
        0.158088703224912494e-3, -0.210264441724104883e-3, 0.217439618115212643e-3,
        -0.164318106536763890e-3, 0.844182239838527433e-4, -0.261908384015814087e-4,
        0.368991826595316234e-5,
    ];

    private const int MaxIterations = 10_000;
    private const double Epsilon = 1e-16;
    private const double TinyDouble = 1e-300;

    /// <summary>ln Γ(x) for x &gt; 0.</summary>
    public static double LogGamma(double x)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(x);
        double y = x;
        double tmp = x + 5.24218750000000000;
        tmp = ((x + 0.5) * Math.Log(tmp)) - tmp;
        double series = 0.999999999999997092;
        foreach (double c in LanczosCoefficients)
        {
            series += c / ++y;
        }

        return tmp + Math.Log(2.5066282746310005 * series / x);
    }

    /// <summary>Regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a), for a &gt; 0 and x ≥ 0.</summary>
    public static double GammaQ(double a, double x)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(a);
        if (!(x > 0))
        {
            return 1.0;
        }

        if (double.IsPositiveInfinity(x))
        {
            return 0.0;
        }

        return x < a + 1.0 ? 1.0 - LowerSeries(a, x) : UpperContinuedFraction(a, x);
    }

    /// <summary>Regularized lower incomplete gamma P(a, x) = 1 - Q(a, x).</summary>
    public static double GammaP(double a, double x)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(a);
        if (!(x > 0))
        {
            return 0.0;
        }

        if (double.IsPositiveInfinity(x))
        {
            return 1.0;
        }

        return x < a + 1.0 ? LowerSeries(a, x) : 1.0 - UpperContinuedFraction(a, x);
    }

    private static double Prefactor(double a, double x) => Math.Exp((a * Math.Log(x)) - x - LogGamma(a));

    private static double LowerSeries(double a, double x)
    {
        double term = 1.0 / a;
        double sum = term;
        double ap = a;
        for (int i = 0; i < MaxIterations; i++)
        {
            ap += 1.0;
            term *= x / ap;
            sum += term;
            if (Math.Abs(term) < Math.Abs(sum) * Epsilon)
            {
                break;
            }
        }

        return sum * Prefactor(a, x);
    }

    // Modified Lentz evaluation of the continued fraction for Γ(a, x).
    private static double UpperContinuedFraction(double a, double x)
    {
        double b = x + 1.0 - a;
        double c = 1.0 / TinyDouble;
        double d = 1.0 / b;
        double h = d;
        for (int i = 1; i < MaxIterations; i++)
        {
            double an = -i * (i - a);
            b += 2.0;
            d = (an * d) + b;
            if (Math.Abs(d) < TinyDouble)
            {
                d = TinyDouble;
            }

            c = b + (an / c);
            if (Math.Abs(c) < TinyDouble)
            {
                c = TinyDouble;
            }

            d = 1.0 / d;
            double delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1.0) < Epsilon)
            {
                break;
            }
        }

        return Prefactor(a, x) * h;
    }
}
