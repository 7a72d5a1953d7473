namespace Keel.Monitoring.Statistics;

/// <summary>
/// Exact P(D_n ≤ d) for the two-sided one-sample KS statistic: Durbin's matrix method as refined by
/// Marsaglia, Tsang and Wang (2003), and Pomeranz's recursion (1974). Intermediate values are kept
/// in range by powers of 2^128 tracked in a separate exponent.
/// </summary>
internal static class KolmogorovExactCdf
{
    private const int ScaleExponent = 128;
    private static readonly double Big = Math.ScaleB(1.0, ScaleExponent);
    private static readonly double Small = Math.ScaleB(1.0, -ScaleExponent);

    /// <summary>Durbin/MTW: the (k,k) entry of (n!/n^n)·H^n with d = (k - h)/n; O(m³ log n), m = 2k - 1.</summary>
    public static double Durbin(int n, double d)
    {
        if (d >= 1.0)
        {
            return 1.0;
        }

        double nd = n * d;
        if (nd <= 0.5)
        {
            return 0.0;
        }

        int k = (int)Math.Ceiling(nd);
        double h = k - nd;
        int m = (2 * k) - 1;
        double[,] matrix = BuildDurbinMatrix(h, m);

        double[,] power = Identity(m);
        long exponent = 0;
        long matrixExponent = 0;
        for (int remaining = n; remaining > 0; remaining /= 2)
        {
            if (remaining % 2 == 1)
            {
                power = Multiply(power, matrix);
                exponent += matrixExponent;
                if (Math.Abs(power[k - 1, k - 1]) > Big)
                {
                    Scale(power, Small);
                    exponent += ScaleExponent;
                }
            }

            matrix = Multiply(matrix, matrix);
            matrixExponent *= 2;
            if (Math.Abs(matrix[k - 1, k - 1]) > Big)
            {
                Scale(matrix, Small);
                matrixExponent += ScaleExponent;
            }
        }

        double p = power[k - 1, k - 1];
        for (int i = 1; i <= n; i++)
        {
            p = i * p / n;
            if (Math.Abs(p) < Small)
            {
                p *= Big;
                exponent -= ScaleExponent;
            }
        }

        return Math.Clamp(Math.ScaleB(p, (int)Math.Clamp(exponent, int.MinValue, int.MaxValue)), 0.0, 1.0);
    }

    /// <summary>Pomeranz: n!·V[2n+1][n], each row a truncated convolution of the previous with Poisson-like weights.</summary>
    public static double Pomeranz(int n, double x)
    {
        double t = n * x;
        int ll = (int)Math.Floor(t);
        double f = t - ll;
        double g = Math.Min(f, 1.0 - f);
        int ceilF = f > 0 ? 1 : 0;
        int roundF = f > 0.5 ? 1 : 0;
        int powers = 2 * (ll + 1);
        double[] gPower = new double[powers];
        double[] twoGPower = new double[powers];
        double[] oneMinusTwoGPower = new double[powers];
        gPower[0] = twoGPower[0] = oneMinusTwoGPower[0] = 1.0;
        for (int j = 1; j < powers; j++)
        {
            gPower[j] = gPower[j - 1] * (g / n) / j;
            twoGPower[j] = twoGPower[j - 1] * (2 * g / n) / j;
            oneMinusTwoGPower[j] = oneMinusTwoGPower[j - 1] * ((1 - (2 * g)) / n) / j;
        }

        double[] v0 = new double[powers];
        double[] v1 = new double[powers];
        v1[0] = 1.0;
        int v0Start = 0;
        int v1Start = 0;
        long exponent = 0;
        (int j1, _) = RowBounds(0, n, ll, ceilF, roundF);
        for (int i = 1; i < (2 * n) + 2; i++)
        {
            int k1 = j1;
            (v0, v1) = (v1, v0);
            (v0Start, v1Start) = (v1Start, v0Start);
            Array.Clear(v1);
            (j1, int j2) = RowBounds(i, n, ll, ceilF, roundF);
            double[] weights = i == 1 || i == (2 * n) + 1 ? gPower : (i % 2 == 1 ? twoGPower : oneMinusTwoGPower);
            int length = j2 - k1 + 1;
            if (length <= 0)
            {
                continue;
            }

            int sourceStart = k1 - v0Start;
            int sourceLength = Math.Min(length, powers - sourceStart);
            int weightLength = Math.Min(length, powers);
            int convStart = j1 - k1;
            int convLength = j2 - j1 + 1;
            double max = 0.0;
            for (int c = 0; c < convLength; c++)
            {
                int lag = convStart + c;
                double sum = 0.0;
                for (int p = Math.Max(0, lag - weightLength + 1); p <= Math.Min(lag, sourceLength - 1); p++)
                {
                    sum += v0[sourceStart + p] * weights[lag - p];
                }

                v1[c] = sum;
                max = Math.Max(max, sum);
            }

            if (max > 0 && max < Small)
            {
                for (int c = 0; c < v1.Length; c++)
                {
                    v1[c] *= Big;
                }

                exponent -= ScaleExponent;
            }

            v1Start = v0Start + j1 - k1;
        }

        double answer = v1[n - v1Start];
        for (int j = 1; j <= n; j++)
        {
            if (Math.Abs(answer) > Big)
            {
                answer *= Small;
                exponent += ScaleExponent;
            }

            answer *= j;
        }

        return Math.Clamp(Math.ScaleB(answer, (int)exponent), 0.0, 1.0);
    }

    private static (int J1, int J2) RowBounds(int i, int n, int ll, int ceilF, int roundF)
    {
        int j1;
        int j2;
        if (i == 0)
        {
            j1 = -ll - ceilF - 1;
            j2 = ll + ceilF - 1;
        }
        else
        {
            int half = (i + 1) / 2;
            if ((i + 1) % 2 == 0)
            {
                if (half == n + 1)
                {
                    j1 = n - ll - ceilF - 1;
                    j2 = n + ll + ceilF - 1;
                }
                else
                {
                    j1 = half - 1 - ll - roundF - 1;
                    j2 = half + ll - 1 + ceilF - 1;
                }
            }
            else
            {
                j1 = half - 1 - ll - 1;
                j2 = half + ll + roundF - 1;
            }
        }

        return (Math.Max(j1 + 2, 0), Math.Min(j2, n));
    }

    private static double[,] BuildDurbinMatrix(double h, int m)
    {
        double[] v = new double[m];
        double[] w = new double[m];
        double factorial = 1.0;
        for (int j = 1; j <= m; j++)
        {
            w[j - 1] = factorial;
            factorial /= j;
            v[j - 1] = (1.0 - Math.Pow(h, j)) * factorial;
        }

        double tt = Math.Pow(Math.Max((2 * h) - 1.0, 0), m) - (2 * Math.Pow(h, m));
        v[m - 1] = (1.0 + tt) * factorial;

        double[,] matrix = new double[m, m];
        for (int column = 1; column < m; column++)
        {
            for (int row = column - 1; row < m; row++)
            {
                matrix[row, column] = w[row - column + 1];
            }
        }

        for (int row = 0; row < m; row++)
        {
            matrix[row, 0] = v[row];
        }

        for (int column = 0; column < m; column++)
        {
            matrix[m - 1, column] = v[m - 1 - column];
        }

        return matrix;
    }

    private static double[,] Identity(int m)
    {
        double[,] identity = new double[m, m];
        for (int i = 0; i < m; i++)
        {
            identity[i, i] = 1.0;
        }

        return identity;
    }

    private static double[,] Multiply(double[,] a, double[,] b)
    {
        int m = a.GetLength(0);
        double[,] result = new double[m, m];
        for (int i = 0; i < m; i++)
        {
            for (int k = 0; k < m; k++)
            {
                double aik = a[i, k];
                if (aik == 0)
                {
                    continue;
                }

                for (int j = 0; j < m; j++)
                {
                    result[i, j] += aik * b[k, j];
                }
            }
        }

        return result;
    }

    private static void Scale(double[,] matrix, double factor)
    {
        int m = matrix.GetLength(0);
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < m; j++)
            {
                matrix[i, j] *= factor;
            }
        }
    }
}
