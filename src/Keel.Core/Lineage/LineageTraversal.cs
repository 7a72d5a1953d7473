namespace Keel.Lineage;

/// <summary>
/// Breadth-first walks over a <see cref="LineageIndex"/> with reusable scratch arrays (a
/// generation stamp instead of clearing a visited set), so a small query costs only what it
/// visits. One instance per thread.
/// </summary>
public sealed class LineageTraversal(LineageIndex index)
{
    private int[] _stamp = [];
    private int[] _queue = [];
    private int[] _depth = [];
    private int[] _parent = [];
    private int _generation;
    private int _found;

    /// <summary>The nodes found by the last walk, the start first, in breadth-first order.</summary>
    public ReadOnlySpan<int> Found => _queue.AsSpan(0, _found);

    /// <summary>The hop count from the start of the i-th found node.</summary>
    public int DepthAt(int i) => _depth[i];

    /// <summary>Walks from <paramref name="start"/>; returns how many nodes were found (the start included).</summary>
    /// <param name="maxDepth">Hops to follow; negative for no limit.</param>
    /// <param name="asOfMs">Nodes created after this (unix ms) are invisible.</param>
    public int Walk(int start, LineageDirection direction, int maxDepth = -1, long asOfMs = long.MaxValue)
    {
        Prepare();
        var gen = _generation;
        var limit = maxDepth < 0 ? int.MaxValue : maxDepth;
        var created = index.Created;
        _stamp[start] = gen;
        _queue[0] = start;
        _depth[0] = 0;
        var tail = 1;
        if (direction != LineageDirection.Down) tail = ExpandUp(tail, gen, limit, created, asOfMs);
        if (direction != LineageDirection.Up)
        {
            // Ancestors and descendants are walked separately: "both" is not "anything connected".
            var upEnd = tail;
            if (direction == LineageDirection.Both)
            {
                _generation++;
                gen = _generation;
                _stamp[start] = gen;
                for (var i = 1; i < upEnd; i++) _stamp[_queue[i]] = gen;
            }
            tail = ExpandFrom(start, upEnd, gen, limit, created, asOfMs);
        }
        _found = tail;
        return tail;
    }

    private int ExpandFrom(int start, int tail, int gen, int limit, long[] created, long asOfMs)
    {
        var headStart = tail;
        _queue[tail] = start;
        _depth[tail] = 0;
        tail++;
        var head = headStart;
        var outStart = index.OutStart;
        var outDst = index.OutDst;
        while (head < tail)
        {
            var v = _queue[head];
            var d = _depth[head];
            head++;
            if (d >= limit) continue;
            for (var e = outStart[v]; e < outStart[v + 1]; e++)
            {
                var w = outDst[e];
                if (_stamp[w] == gen || created[w] > asOfMs) continue;
                _stamp[w] = gen;
                _queue[tail] = w;
                _depth[tail] = d + 1;
                tail++;
            }
        }
        // Drop the repeated start placed at the head of the downstream part.
        Array.Copy(_queue, headStart + 1, _queue, headStart, tail - headStart - 1);
        Array.Copy(_depth, headStart + 1, _depth, headStart, tail - headStart - 1);
        return tail - 1;
    }

    private int ExpandUp(int tail, int gen, int limit, long[] created, long asOfMs)
    {
        var head = tail - 1;
        var inStart = index.InStart;
        var inSrc = index.InSrc;
        while (head < tail)
        {
            var v = _queue[head];
            var d = _depth[head];
            head++;
            if (d >= limit) continue;
            for (var e = inStart[v]; e < inStart[v + 1]; e++)
            {
                var w = inSrc[e];
                if (_stamp[w] == gen || created[w] > asOfMs) continue;
                _stamp[w] = gen;
                _queue[tail] = w;
                _depth[tail] = d + 1;
                tail++;
            }
        }
        return tail;
    }

    /// <summary>
    /// The shortest directed path from <paramref name="from"/> down to <paramref name="to"/>
    /// (following edges forward), or null when there is none.
    /// </summary>
    public IReadOnlyList<int>? ShortestPath(int from, int to, long asOfMs = long.MaxValue)
    {
        Prepare();
        var gen = _generation;
        var outStart = index.OutStart;
        var outDst = index.OutDst;
        var created = index.Created;
        _stamp[from] = gen;
        _parent[from] = -1;
        _queue[0] = from;
        int head = 0, tail = 1;
        while (head < tail)
        {
            var v = _queue[head++];
            if (v == to) break;
            // Ids are topological: nothing past the target can lead back to it.
            for (var e = outStart[v]; e < outStart[v + 1]; e++)
            {
                var w = outDst[e];
                if (w > to || _stamp[w] == gen || created[w] > asOfMs) continue;
                _stamp[w] = gen;
                _parent[w] = v;
                _queue[tail++] = w;
            }
        }
        if (_stamp[to] != gen) return null;
        var path = new List<int>();
        for (var v = to; v != -1; v = _parent[v]) path.Add(v);
        path.Reverse();
        return path;
    }

    private void Prepare()
    {
        var n = index.Count;
        // One spare slot: "both" holds the start twice while it walks.
        if (_stamp.Length < n)
        {
            _stamp = new int[n];
            _parent = new int[n];
            _generation = 0;
        }
        if (_queue.Length < n + 1)
        {
            _queue = new int[n + 1];
            _depth = new int[n + 1];
        }
        _generation++;
        if (_generation == int.MaxValue)
        {
            Array.Clear(_stamp);
            _generation = 1;
        }
    }
}
