using System.Globalization;
using Keel.Registry;

namespace Keel.Server.Capture;

/// <summary>
/// The rows of one capture log held by column in typed arrays, appended as the log is written,
/// so a segment is written from memory without reading the log back, and a captured row keeps
/// no object alive: request ids in the server's form are 16 bytes, numbers and booleans are
/// unboxed, and text seen in training is the signature's own string. Values are stored exactly
/// as a log record reads back (<see cref="CaptureRecord"/>), so a segment written from here and
/// one recovered from the log are the same bytes. The arrays are reused from log to log
/// (<see cref="Clear"/>), so a steady load allocates none.
/// </summary>
internal sealed class CaptureColumns
{
    /// <summary>An output value's kind: what the log would read back.</summary>
    public const byte OutNull = 0, OutNumber = 1, OutBool = 2, OutText = 3, OutNumbers = 4;

    private readonly FieldType[] _inputTypes;
    private Guid[] _hex;
    private string?[] _text;
    private int[] _row;
    private long[] _time;
    private string?[] _flags;
    private readonly double[]?[] _numbers;
    private readonly byte[]?[] _bools;
    private readonly string?[]?[] _texts;
    private readonly double[][] _outNumbers;
    private readonly byte[][] _outKinds;
    private readonly object?[]?[] _outOthers;
    private Dictionary<RequestId, int>? _index;
    private int _indexed;

    public CaptureColumns(CaptureLogHeader header, int capacity)
    {
        ArgumentNullException.ThrowIfNull(header);
        capacity = Math.Max(16, capacity);
        _inputTypes = [.. header.Inputs.Select(i => i.Type)];
        _hex = new Guid[capacity];
        _text = new string?[capacity];
        _row = new int[capacity];
        _time = new long[capacity];
        _flags = new string?[capacity];
        _numbers = new double[]?[_inputTypes.Length];
        _bools = new byte[]?[_inputTypes.Length];
        _texts = new string?[]?[_inputTypes.Length];
        for (var i = 0; i < _inputTypes.Length; i++)
        {
            switch (_inputTypes[i])
            {
                case FieldType.Number: _numbers[i] = new double[capacity]; break;
                case FieldType.Boolean: _bools[i] = new byte[capacity]; break;
                default: _texts[i] = new string?[capacity]; break;
            }
        }
        _outNumbers = new double[header.Outputs.Count][];
        _outKinds = new byte[header.Outputs.Count][];
        _outOthers = new object?[]?[header.Outputs.Count];
        for (var o = 0; o < header.Outputs.Count; o++)
        {
            _outNumbers[o] = new double[capacity];
            _outKinds[o] = new byte[capacity];
        }
    }

    public int Count { get; private set; }

    public int Capacity => _row.Length;

    public int OutputCount => _outKinds.Length;

    /// <summary>Whether these arrays can hold the rows of a log with <paramref name="header"/>.</summary>
    public bool Fits(CaptureLogHeader header) =>
        header.Outputs.Count == _outKinds.Length && header.Inputs.Count == _inputTypes.Length
        && header.Inputs.Select(i => i.Type).SequenceEqual(_inputTypes);

    /// <summary>
    /// Appends one row. Inputs hold one value per input (double, NaN when missing; bool; string);
    /// outputs one per output. <paramref name="categories"/>, per input, gives the strings of text
    /// seen in training, so a captured category refers to that string instead of the request's.
    /// </summary>
    public void Add(RequestId id, int row, long timeMs, string? flags, object?[] inputs, object?[] outputs, HashSet<string>?[]? categories = null)
    {
        if (Count == _row.Length) Grow();
        var at = Count;
        _hex[at] = id.Hex;
        _text[at] = id.Text;
        _row[at] = row;
        _time[at] = timeMs;
        _flags[at] = flags;
        for (var i = 0; i < _inputTypes.Length; i++)
        {
            switch (_inputTypes[i])
            {
                case FieldType.Number:
                    _numbers[i]![at] = inputs[i] is double d ? d : double.NaN;
                    break;
                case FieldType.Boolean:
                    _bools[i]![at] = inputs[i] switch { true => 1, false => 0, _ => 2 };
                    break;
                default:
                    var s = inputs[i] as string;
                    if (s is not null && categories?[i] is { } seen && seen.TryGetValue(s, out var canonical)) s = canonical;
                    _texts[i]![at] = s;
                    break;
            }
        }
        for (var o = 0; o < _outKinds.Length; o++) SetOutput(o, at, outputs[o]);
        Count++;
    }

    /// <summary>Drops the rows from <paramref name="count"/> on (a batch the log could not write).</summary>
    public void Truncate(int count)
    {
        if (count >= Count) return;
        ClearReferences(count, Count - count);
        Count = count;
        _index = null;
        _indexed = 0;
    }

    /// <summary>Empties the columns for the next log, keeping the arrays.</summary>
    public void Clear() => Truncate(0);

    public RequestId IdAt(int i) => _text[i] is { } given ? RequestId.Parse(given) : RequestId.FromHex(_hex[i]);

    public string IdTextAt(int i) => _text[i] ?? _hex[i].ToString("N");

    public int RowAt(int i) => _row[i];

    public long TimeAt(int i) => _time[i];

    public string? FlagsAt(int i) => _flags[i];

    public ReadOnlySpan<int> Rows => _row.AsSpan(0, Count);

    public ReadOnlySpan<long> Times => _time.AsSpan(0, Count);

    public ReadOnlySpan<double> Numbers(int input) => _numbers[input].AsSpan(0, Count);

    public ReadOnlySpan<byte> Booleans(int input) => _bools[input].AsSpan(0, Count);

    public ReadOnlySpan<string?> Texts(int input) => _texts[input].AsSpan(0, Count);

    public ReadOnlySpan<string?> Flags => _flags.AsSpan(0, Count);

    public ReadOnlySpan<byte> OutputKinds(int output) => _outKinds[output].AsSpan(0, Count);

    public ReadOnlySpan<double> OutputNumbers(int output) => _outNumbers[output].AsSpan(0, Count);

    public object? OutputOther(int output, int i) => _outOthers[output]?[i];

    /// <summary>The number of rows the request predicted, when this log holds it (an index built on the first look, then kept up to date).</summary>
    public bool TryFind(RequestId id, out int rows)
    {
        _index ??= [];
        for (; _indexed < Count; _indexed++)
        {
            var key = _text[_indexed] is { } given ? RequestId.Parse(given) : RequestId.FromHex(_hex[_indexed]);
            _index[key] = Math.Max(_index.GetValueOrDefault(key), _row[_indexed] + 1);
        }
        return _index.TryGetValue(id, out rows);
    }

    private void SetOutput(int o, int at, object? v)
    {
        // The log's encoding (CaptureRecord): float becomes double, float[] double[], anything else unknown its text.
        switch (v)
        {
            case double d: _outKinds[o][at] = OutNumber; _outNumbers[o][at] = d; break;
            case float f: _outKinds[o][at] = OutNumber; _outNumbers[o][at] = f; break;
            case bool b: _outKinds[o][at] = OutBool; _outNumbers[o][at] = b ? 1 : 0; break;
            case null: _outKinds[o][at] = OutNull; break;
            case string s: SetOther(o, at, OutText, s); break;
            case double[] a: SetOther(o, at, OutNumbers, a); break;
            case float[] a: SetOther(o, at, OutNumbers, a.Select(x => (double)x).ToArray()); break;
            default: SetOther(o, at, OutText, Convert.ToString(v, CultureInfo.InvariantCulture)); break;
        }
    }

    private void SetOther(int o, int at, byte kind, object? value)
    {
        _outKinds[o][at] = value is null ? OutNull : kind;
        (_outOthers[o] ??= new object?[_row.Length])[at] = value;
    }

    private void Grow()
    {
        var size = _row.Length * 2;
        Array.Resize(ref _hex, size);
        Array.Resize(ref _text, size);
        Array.Resize(ref _row, size);
        Array.Resize(ref _time, size);
        Array.Resize(ref _flags, size);
        for (var i = 0; i < _inputTypes.Length; i++)
        {
            if (_numbers[i] is not null) Array.Resize(ref _numbers[i], size);
            if (_bools[i] is not null) Array.Resize(ref _bools[i], size);
            if (_texts[i] is not null) Array.Resize(ref _texts[i], size);
        }
        for (var o = 0; o < _outKinds.Length; o++)
        {
            Array.Resize(ref _outNumbers[o], size);
            Array.Resize(ref _outKinds[o], size);
            if (_outOthers[o] is not null) Array.Resize(ref _outOthers[o], size);
        }
    }

    private void ClearReferences(int from, int length)
    {
        if (length <= 0) return;
        Array.Clear(_text, from, length);
        Array.Clear(_flags, from, length);
        foreach (var t in _texts)
            if (t is not null) Array.Clear(t, from, length);
        foreach (var o in _outOthers)
            if (o is not null) Array.Clear(o, from, length);
    }
}
