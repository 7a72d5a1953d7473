using System.Runtime.CompilerServices;

namespace Keel.Monitoring.Profiles;

/// <summary>
/// A window's summary of one numeric feature, on its reference's bins: exact counts and sums per bin,
/// moments, range violations, and the values themselves while there are at most
/// <see cref="ProfileOptions.MaxExactWindowValues"/>. Merging adds counts, so memory never grows with the window.
/// </summary>
internal sealed class NumericSketch
{
    private readonly double[] _edges;
    private readonly double _referenceMin;
    private readonly double _referenceMax;
    private readonly int _exactCap;
    private readonly BinLocator _locator;

    public NumericSketch(NumericReference reference, int exactCap)
    {
        _edges = reference.Edges;
        _referenceMin = reference.Min;
        _referenceMax = reference.Max;
        _exactCap = exactCap;
        _locator = new BinLocator(_edges);
        Counts = new long[_edges.Length + 1];
        Sums = new double[_edges.Length + 1];
        Exact = exactCap > 0 ? [] : null;
    }

    public long[] Counts { get; }

    public double[] Sums { get; }

    /// <summary>The window's finite values while few enough; null once the window outgrew the cap.</summary>
    public List<double>? Exact { get; private set; }

    public long Count { get; private set; }

    public long Missing { get; private set; }

    public long NonFinite { get; private set; }

    public long Unparseable { get; private set; }

    public long BelowRange { get; private set; }

    public long AboveRange { get; private set; }

    public double Min { get; private set; } = double.PositiveInfinity;

    public double Max { get; private set; } = double.NegativeInfinity;

    public double Sum { get; private set; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(ReadOnlySpan<double> values, long unparseable)
    {
        Unparseable += unparseable;
        long count = 0, missing = 0, nonFinite = 0, below = 0, above = 0;
        double min = Min, max = Max, sum = 0;
        BinLocator locator = _locator;
        foreach (double x in values)
        {
            if (double.IsNaN(x))
            {
                missing++;
                continue;
            }

            if (double.IsInfinity(x))
            {
                nonFinite++;
                continue;
            }

            count++;
            sum += x;
            min = Math.Min(min, x);
            max = Math.Max(max, x);
            below += x < _referenceMin ? 1 : 0;
            above += x > _referenceMax ? 1 : 0;
            int b = locator.Find(x);
            Counts[b]++;
            Sums[b] += x;
        }

        if (Exact is not null)
        {
            if (Exact.Count + count <= _exactCap)
            {
                foreach (double x in values)
                {
                    if (double.IsFinite(x))
                    {
                        Exact.Add(x + 0.0);
                    }
                }
            }
            else
            {
                Exact = null;
            }
        }

        Count += count;
        // An unparseable value arrives as NaN, so 'missing' already counts it once.
        Missing += missing;
        NonFinite += nonFinite;
        BelowRange += below;
        AboveRange += above;
        Min = min;
        Max = max;
        Sum += sum;
    }

    /// <summary>Adds another window's summary of the same feature (same reference bins).</summary>
    public void Merge(NumericSketch other)
    {
        if (other._edges.Length != _edges.Length)
        {
            throw new ArgumentException("Sketches of different references cannot be merged.", nameof(other));
        }

        for (int b = 0; b < Counts.Length; b++)
        {
            Counts[b] += other.Counts[b];
            Sums[b] += other.Sums[b];
        }

        Exact = Exact is not null && other.Exact is not null && Exact.Count + other.Exact.Count <= _exactCap ? [.. Exact, .. other.Exact] : null;
        Count += other.Count;
        Missing += other.Missing;
        NonFinite += other.NonFinite;
        Unparseable += other.Unparseable;
        BelowRange += other.BelowRange;
        AboveRange += other.AboveRange;
        Min = Math.Min(Min, other.Min);
        Max = Math.Max(Max, other.Max);
        Sum += other.Sum;
    }

    /// <summary>Memory held, in bytes (bins plus the exact buffer at its cap).</summary>
    public long BoundBytes => (Counts.Length * 16L) + (_exactCap * 8L);
}
