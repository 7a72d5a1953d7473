using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Keel.Monitoring.Statistics;

/// <summary>
/// One-sided one-sample Kolmogorov-Smirnov distribution: P(D+_n ≥ x), SciPy's <c>special.smirnov</c>,
/// by the Birnbaum-Tingey sum x Σ_v C(n,v) (x + v/n)^(v-1) (1 - x - v/n)^(n-v) evaluated in logs.
/// </summary>
internal static class SmirnovDistribution
{
    // Above this n SciPy switches to the closed-form approximation exp(-(6nx+1)²/(18n)).
    private const int MaxComputeN = 1_000_000;
    private const double MinLog = -708.3964185322641;
    private const double MachineEpsilon = 2.220446049250313e-16;

    public static double Sf(int n, double x)
    {
        if (n < 1 || double.IsNaN(x))
        {
            return 1.0;
        }

        if (x <= 0.0)
        {
            return 1.0;
        }

        if (x >= 1.0)
        {
            return 0.0;
        }

        if (n == 1)
        {
            return 1.0 - x;
        }

        // n·x split exactly into its floor and fractional part (FMA recovers the product's rounding error).
        double nx = n * x;
        double nxError = Math.FusedMultiplyAdd(n, x, -nx);
        double floor = Math.Floor(nx);
        double alpha = (nx - floor) + nxError;
        if (alpha < 0)
        {
            floor -= 1;
            alpha += 1;
        }
        else if (alpha >= 1)
        {
            floor += 1;
            alpha -= 1;
        }

        int nxFloor = (int)floor;
        if (nxFloor == 0 || (nxFloor == 1 && alpha == 0))
        {
            return Math.Clamp(1.0 - (x * Math.Pow(1.0 + x, n - 1)), 0.0, 1.0);
        }

        if (-2.0 * n * x * x < MinLog)
        {
            return 0.0;
        }

        if (nxFloor >= n - 1)
        {
            return Math.Clamp(Math.Pow(1.0 - x, n), 0.0, 1.0);
        }

        if (n > MaxComputeN)
        {
            double logp = -Math.Pow((6.0 * n * x) + 1, 2) / 18.0 / n;
            return Math.Clamp(logp < -Math.Log(2) ? Math.Exp(logp) : 1.0 + (Math.Exp(logp) - 1.0), 0.0, 1.0);
        }

        return Math.Clamp(x * LowerSum(n, x, nx, nxError, nxFloor, alpha), 0.0, 1.0);
    }

    // Terms v = 0 .. floor(n(1 - x)), excluding a last term whose base 1 - x - v/n is exactly 0.
    // All terms are positive and up to n of them matter, so logs and exps run four lanes at a time;
    // the sum and SciPy's early-exit rule are applied term by term, in order.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double LowerSum(int n, double x, double nx, double nxError, int nxFloor, double alpha)
    {
        int termCount = n - nxFloor - (alpha == 0 ? 2 : 1) + 1;
        var lane = Vector256.Create(0.0, 1.0, 2.0, 3.0);
        var count = Vector256.Create((double)n);
        var shift = Vector256.Create(nx + nxError);
        Span<double> logRatios = stackalloc double[Vector256<double>.Count];
        Span<double> logBinomials = stackalloc double[Vector256<double>.Count];
        Span<double> terms = stackalloc double[Vector256<double>.Count];
        double logBinomial = 0.0;
        double sum = 0.0;
        for (int start = 0; start < termCount; start += Vector256<double>.Count)
        {
            // x + v/n and 1 - x - v/n from the exact split of n·x, to keep their relative error at 1 ulp.
            Vector256<double> v = lane + Vector256.Create((double)start);
            Vector256<double> up = (v + shift) / count;
            Vector256<double> down = (count - v - shift) / count;
            Vector256<double> remaining = count - v;
            Vector256<double> partial = (remaining * Vector256.Log(down)) + ((v - Vector256<double>.One) * Vector256.Log(up));
            Vector256.Log(remaining / (v + Vector256<double>.One)).CopyTo(logRatios);

            // log C(n, v) for the four lanes: a running sum of log((n - v)/(v + 1)).
            for (int i = 0; i < Vector256<double>.Count; i++)
            {
                logBinomials[i] = logBinomial;
                logBinomial += logRatios[i];
            }

            Vector256.Exp(Vector256.Create<double>(logBinomials) + partial).CopyTo(terms);
            for (int i = 0; i < Vector256<double>.Count; i++)
            {
                int index = start + i;
                if (index >= termCount)
                {
                    return sum;
                }

                double term = terms[i];
                sum += term;
                if (term != 0)
                {
                    if (4.0 * (termCount - index) * term < MachineEpsilon * sum && index != termCount - 1)
                    {
                        return sum;
                    }
                }
                else if (index > n / 2)
                {
                    return sum;
                }
            }
        }

        return sum;
    }
}
