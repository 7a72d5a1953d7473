using System.Globalization;

namespace Keel.Lineage;

/// <summary>Building and extending the index from the store.</summary>
public sealed partial class LineageIndex
{
    /// <summary>Builds the index of everything in <paramref name="store"/>.</summary>
    public static async Task<LineageIndex> BuildAsync(ILineageStore store, CancellationToken cancellationToken)
    {
        var index = new LineageIndex();
        await index.ExtendAsync(store, cancellationToken).ConfigureAwait(false);
        return index;
    }

    /// <summary>
    /// Appends the nodes and edges stored since the last build. Incoming lists only grow at the
    /// end (edges always point into the newer node); the outgoing arrays are re-derived from
    /// them by one counting pass, O(nodes + edges).
    /// </summary>
    public async Task<int> ExtendAsync(ILineageStore store, CancellationToken cancellationToken)
    {
        var after = MaxId;
        var firstNew = _count;
        if (store is ILineageStructureSource lean)
        {
            lean.ScanNodes(after, AddNode, cancellationToken);
        }
        else
        {
            await foreach (var n in store.NodesAfterAsync(after, cancellationToken).ConfigureAwait(false))
                AddNode(n.Id, n.Type, n.Kind, n.Label, n.CreatedAt.ToUnixTimeMilliseconds());
        }
        var added = _count - firstNew;
        if (added == 0) return 0;

        var edges = new EdgeBuffer();
        if (store is ILineageStructureSource leanEdges)
        {
            leanEdges.ScanEdges(after, (s, d, r, role) => edges.Add(IndexOrThrow(s), IndexOrThrow(d), r, RoleCode(role)), cancellationToken);
        }
        else
        {
            await foreach (var e in store.EdgesAfterAsync(after, cancellationToken).ConfigureAwait(false))
                edges.Add(IndexOrThrow(e.From), IndexOrThrow(e.To), e.Relation, RoleCode(e.Role));
        }
        AppendIncoming(firstNew, edges);
        RebuildOutgoing();
        return added;
    }

    private void AddNode(long id, NodeType type, string kind, string label, long createdMs)
    {
        if (_count == _ids.Length) Grow(Math.Max(1024, _count * 2));
        if (_count > 0 && id <= _ids[_count - 1])
            throw new InvalidOperationException($"lineage node ids must grow: {id} after {_ids[_count - 1]}");
        _ids[_count] = id;
        _types[_count] = (byte)type;
        if (!_kindIds.TryGetValue(kind, out var k))
        {
            if (_kindTable.Count == byte.MaxValue) throw new InvalidOperationException("more than 255 node kinds");
            k = (byte)_kindTable.Count;
            _kindTable.Add(kind);
            _kindIds[kind] = k;
        }
        _kinds[_count] = k;
        var (name, version) = SplitLabel(label);
        _names[_count] = name;
        _versions[_count] = version;
        _created[_count] = createdMs;
        _count++;
    }

    private (int Name, int Version) SplitLabel(string label)
    {
        var span = label.AsSpan();
        var version = NoVersion;
        var at = span.LastIndexOf('@');
        if (at > 0 && at < span.Length - 1 && span[at + 1] != '0'
            && int.TryParse(span[(at + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var v))
        {
            version = v;
            span = span[..at];
        }
        var lookup = _nameIds.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(span, out var id))
        {
            id = _nameTable.Count;
            var name = span.Length == label.Length ? label : span.ToString();
            _nameTable.Add(name);
            _nameIds[name] = id;
        }
        return (id, version);
    }

    private ushort RoleCode(string? role)
    {
        if (role is null) return 0;
        if (_roleIds.TryGetValue(role, out var r)) return r;
        if (_roleTable.Count == ushort.MaxValue) throw new InvalidOperationException("more than 65534 distinct edge roles");
        r = (ushort)_roleTable.Count;
        _roleTable.Add(role);
        _roleIds[role] = r;
        return r;
    }

    private int IndexOrThrow(long id)
    {
        var i = IndexOf(id);
        return i >= 0 ? i : throw new InvalidOperationException($"lineage edge names node {id}, which is not in the graph");
    }

    private void Grow(int capacity)
    {
        Array.Resize(ref _ids, capacity);
        Array.Resize(ref _types, capacity);
        Array.Resize(ref _kinds, capacity);
        Array.Resize(ref _names, capacity);
        Array.Resize(ref _versions, capacity);
        Array.Resize(ref _created, capacity);
    }

    private void AppendIncoming(int firstNew, EdgeBuffer edges)
    {
        var added = _count - firstNew;
        var counts = new int[added + 1];
        for (var e = 0; e < edges.Count; e++)
        {
            if (edges.Dst[e] < firstNew) throw new InvalidOperationException("an edge into an already indexed node: the graph is append-only");
            counts[edges.Dst[e] - firstNew + 1]++;
        }
        var baseEdge = _edgeCount;
        var newStart = new int[_count + 1];
        Array.Copy(_inStart, newStart, firstNew + 1);
        for (var i = 0; i < added; i++) newStart[firstNew + i + 1] = newStart[firstNew + i] + counts[i + 1];
        _inStart = newStart;
        var total = baseEdge + edges.Count;
        Array.Resize(ref _inSrc, total);
        Array.Resize(ref _inRel, total);
        Array.Resize(ref _inRole, total);
        var fill = new int[added];
        for (var i = 0; i < added; i++) fill[i] = _inStart[firstNew + i];
        for (var e = 0; e < edges.Count; e++)
        {
            var at = fill[edges.Dst[e] - firstNew]++;
            _inSrc[at] = edges.Src[e];
            _inRel[at] = edges.Rel[e];
            _inRole[at] = edges.Role[e];
        }
        _edgeCount = total;
    }

    private void RebuildOutgoing()
    {
        var start = new int[_count + 1];
        for (var e = 0; e < _edgeCount; e++) start[_inSrc[e] + 1]++;
        for (var i = 0; i < _count; i++) start[i + 1] += start[i];
        var dst = new int[_edgeCount];
        var pos = new int[_edgeCount];
        var fill = new int[_count];
        Array.Copy(start, fill, _count);
        for (var d = 0; d < _count; d++)
        {
            for (var e = _inStart[d]; e < _inStart[d + 1]; e++)
            {
                var at = fill[_inSrc[e]]++;
                dst[at] = d;
                pos[at] = e;
            }
        }
        _outStart = start;
        _outDst = dst;
        _outEdge = pos;
    }

    private sealed class EdgeBuffer
    {
        public int[] Src = new int[1024];
        public int[] Dst = new int[1024];
        public byte[] Rel = new byte[1024];
        public ushort[] Role = new ushort[1024];
        public int Count;

        public void Add(int src, int dst, Relation rel, ushort role)
        {
            if (Count == Src.Length)
            {
                var n = Count * 2;
                Array.Resize(ref Src, n);
                Array.Resize(ref Dst, n);
                Array.Resize(ref Rel, n);
                Array.Resize(ref Role, n);
            }
            Src[Count] = src;
            Dst[Count] = dst;
            Rel[Count] = (byte)rel;
            Role[Count] = role;
            Count++;
        }
    }
}
