using System.Runtime.CompilerServices;

namespace Keel.Monitoring.Profiles;

/// <summary>
/// Finds the bin of a value among strictly increasing edges (bin b holds edges[b-1] &lt; x ≤ edges[b]) through a
/// uniform grid over the edges' range: the grid gives the first candidate, a short forward scan finishes, and a
/// binary search takes over when a cell holds many edges. Same answer as a binary search, without its branch misses.
/// </summary>
internal sealed class BinLocator
{
    private const int Cells = 8192;
    private const int MaxScan = 8;
    private readonly double[] _edges;
    private readonly int[] _start = new int[Cells + 1];
    private readonly double _low;
    private readonly double _scale;

    public BinLocator(double[] edges)
    {
        _edges = edges;
        if (edges.Length == 0)
        {
            return;
        }

        _low = edges[0];
        double width = edges[^1] - edges[0];
        _scale = width > 0 && double.IsFinite(width) ? Cells / width : 0;
        int b = 0;
        for (int c = 0; c <= Cells; c++)
        {
            double cellStart = _scale > 0 ? _low + (c / _scale) : _low;
            while (b < edges.Length && edges[b] < cellStart)
            {
                b++;
            }

            // Any x in this cell is ≥ cellStart (up to rounding), so no edge before b - 1 can hold it.
            _start[c] = Math.Max(0, b - 1);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(double x)
    {
        double[] edges = _edges;
        if (edges.Length == 0 || x <= edges[0])
        {
            return 0;
        }

        if (x > edges[^1])
        {
            return edges.Length;
        }

        int cell = _scale > 0 ? (int)Math.Min((x - _low) * _scale, Cells) : 0;
        int lo = _start[cell];
        for (int i = 0; i < MaxScan; i++, lo++)
        {
            if (edges[lo] >= x)
            {
                return lo;
            }
        }

        int hi = edges.Length;
        while (lo < hi)
        {
            int mid = (int)((uint)(lo + hi) >> 1);
            if (edges[mid] < x)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
