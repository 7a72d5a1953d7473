namespace Keel.Lineage;

/// <summary>
/// The provenance graph in memory, for queries: nodes are dense int32 indexes in id order
/// (so an index order is a topological order), edges are CSR arrays in both directions, kinds
/// are bytes and labels are interned as (name, version) pairs. Built by streaming the store;
/// <see cref="ExtendAsync"/> appends what arrived since. Not thread-safe.
/// </summary>
public sealed partial class LineageIndex
{
    internal const int NoVersion = -1;

    private long[] _ids = [];
    private byte[] _types = [];
    private byte[] _kinds = [];
    private int[] _names = [];
    private int[] _versions = [];
    private long[] _created = [];
    private int _count;

    // Incoming edges grouped by target: _inStart[n].._inStart[n+1] index _inSrc/_inRel/_inRole.
    private int[] _inStart = [0];
    private int[] _inSrc = [];
    private byte[] _inRel = [];
    private ushort[] _inRole = [];
    private int _edgeCount;

    // Outgoing edges grouped by source; _outEdge is the position of the same edge in the in-arrays.
    private int[] _outStart = [0];
    private int[] _outDst = [];
    private int[] _outEdge = [];

    private readonly List<string> _kindTable = [];
    private readonly Dictionary<string, byte> _kindIds = new(StringComparer.Ordinal);
    private readonly List<string> _nameTable = [];
    private readonly Dictionary<string, int> _nameIds = new(StringComparer.Ordinal);
    private readonly List<string?> _roleTable = [null];
    private readonly Dictionary<string, ushort> _roleIds = new(StringComparer.Ordinal);

    /// <summary>Number of nodes.</summary>
    public int Count => _count;

    /// <summary>Number of edges.</summary>
    public int EdgeCount => _edgeCount;

    /// <summary>The largest node id indexed, 0 when empty.</summary>
    public long MaxId => _count == 0 ? 0 : _ids[_count - 1];

    public long IdOf(int node) => _ids[node];

    public NodeType TypeOf(int node) => (NodeType)_types[node];

    public string KindOf(int node) => _kindTable[_kinds[node]];

    public byte KindCode(int node) => _kinds[node];

    public DateTimeOffset CreatedAt(int node) => DateTimeOffset.FromUnixTimeMilliseconds(_created[node]);

    internal long CreatedMs(int node) => _created[node];

    /// <summary>The label: <c>name@version</c> when it was one, the interned name otherwise.</summary>
    public string LabelOf(int node) =>
        _versions[node] == NoVersion ? _nameTable[_names[node]] : $"{_nameTable[_names[node]]}@{_versions[node]}";

    /// <summary>The node index of an id, or -1.</summary>
    public int IndexOf(long id)
    {
        if (_count == 0) return -1;
        var guess = id - _ids[0];
        if (guess >= 0 && guess < _count && _ids[guess] == id) return (int)guess;
        var i = Array.BinarySearch(_ids, 0, _count, id);
        return i >= 0 ? i : -1;
    }

    /// <summary>The kind code of a kind name, or -1 when no node has that kind.</summary>
    public int KindCodeOf(string kind) => _kindIds.TryGetValue(kind, out var k) ? k : -1;

    public ReadOnlySpan<int> Sources(int node) => _inSrc.AsSpan(_inStart[node], _inStart[node + 1] - _inStart[node]);

    public ReadOnlySpan<int> Targets(int node) => _outDst.AsSpan(_outStart[node], _outStart[node + 1] - _outStart[node]);

    /// <summary>The incoming edges of a node as (source, relation, role).</summary>
    public IEnumerable<(int From, Relation Relation, string? Role)> InEdges(int node)
    {
        for (var e = _inStart[node]; e < _inStart[node + 1]; e++)
            yield return (_inSrc[e], (Relation)_inRel[e], _roleTable[_inRole[e]]);
    }

    /// <summary>The outgoing edges of a node as (target, relation, role).</summary>
    public IEnumerable<(int To, Relation Relation, string? Role)> OutEdges(int node)
    {
        for (var o = _outStart[node]; o < _outStart[node + 1]; o++)
            yield return (_outDst[o], (Relation)_inRel[_outEdge[o]], _roleTable[_inRole[_outEdge[o]]]);
    }

    /// <summary>Every distinct label name (the part before '@'), for "did you mean" hints.</summary>
    public IReadOnlyList<string> Names => _nameTable;

    /// <summary>The newest node (highest index) whose label is exactly <paramref name="label"/> and that existed at <paramref name="asOfMs"/>, or -1.</summary>
    public int FindLabel(string label, long asOfMs = long.MaxValue)
    {
        var at = label.LastIndexOf('@');
        var version = NoVersion;
        var name = label;
        if (at > 0 && int.TryParse(label.AsSpan(at + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var v))
        {
            version = v;
            name = label[..at];
        }
        if (!_nameIds.TryGetValue(name, out var nameId)) return -1;
        for (var i = _count - 1; i >= 0; i--)
            if (_names[i] == nameId && _versions[i] == version && _created[i] <= asOfMs) return i;
        return -1;
    }

    internal int[] InStart => _inStart;

    internal int[] InSrc => _inSrc;

    internal int[] OutStart => _outStart;

    internal int[] OutDst => _outDst;

    internal long[] Created => _created;

    /// <summary>Bytes held by the arrays and interned strings (an estimate of the managed heap used).</summary>
    public long MemoryBytes
    {
        get
        {
            long b = (long)_ids.Length * 8 + _types.Length + _kinds.Length + (long)_names.Length * 4 + (long)_versions.Length * 4 + (long)_created.Length * 8;
            b += (long)_inStart.Length * 4 + (long)_inSrc.Length * 4 + _inRel.Length + (long)_inRole.Length * 2;
            b += (long)_outStart.Length * 4 + (long)_outDst.Length * 4 + (long)_outEdge.Length * 4;
            foreach (var s in _nameTable) b += 24 + (2L * s.Length) + 24; // string + dictionary entry
            foreach (var s in _kindTable) b += 24 + (2L * s.Length);
            return b;
        }
    }
}
