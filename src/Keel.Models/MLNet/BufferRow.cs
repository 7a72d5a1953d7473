using Microsoft.ML;
using Microsoft.ML.Data;

namespace Keel.Models.MLNet;

/// <summary>
/// A reusable input row over typed slots. Each <see cref="Set"/> advances the position, so
/// mappers that cache per position recompute. Columns the model does not need read as defaults.
/// </summary>
internal sealed class BufferRow : DataViewRow
{
    private readonly DataViewSchema _schema;
    private readonly int[] _inputs;
    private readonly float[] _singles;
    private readonly double[] _doubles;
    private readonly bool[] _bools;
    private readonly ReadOnlyMemory<char>[] _texts;
    private long _position = -1;

    public BufferRow(DataViewSchema schema, int[] inputs)
    {
        _schema = schema;
        _inputs = inputs;
        _singles = new float[schema.Count];
        _doubles = new double[schema.Count];
        _bools = new bool[schema.Count];
        _texts = new ReadOnlyMemory<char>[schema.Count];
        Array.Fill(_singles, float.NaN);
        Array.Fill(_doubles, double.NaN);
    }

    public override long Position => _position;

    public override long Batch => 0;

    public override DataViewSchema Schema => _schema;

    public void Set(object?[] row)
    {
        for (var k = 0; k < _inputs.Length; k++)
        {
            var i = _inputs[k];
            var v = row[k];
            switch (v)
            {
                case double d: _singles[i] = (float)d; _doubles[i] = d; _bools[i] = d != 0; break;
                case bool b: _bools[i] = b; _singles[i] = b ? 1 : 0; _doubles[i] = b ? 1 : 0; break;
                case string s: _texts[i] = s.AsMemory(); break;
                default: _singles[i] = float.NaN; _doubles[i] = double.NaN; _texts[i] = ReadOnlyMemory<char>.Empty; _bools[i] = false; break;
            }
        }
        _position++;
    }

    public override bool IsColumnActive(DataViewSchema.Column column) => true;

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        var i = column.Index;
        var t = column.Type;
        Delegate getter =
            t == NumberDataViewType.Single ? (ValueGetter<float>)((ref float v) => v = _singles[i])
            : t == NumberDataViewType.Double ? (ValueGetter<double>)((ref double v) => v = _doubles[i])
            : t == NumberDataViewType.Int32 ? (ValueGetter<int>)((ref int v) => v = double.IsNaN(_doubles[i]) ? 0 : (int)_doubles[i])
            : t == NumberDataViewType.Int64 ? (ValueGetter<long>)((ref long v) => v = double.IsNaN(_doubles[i]) ? 0 : (long)_doubles[i])
            : t == BooleanDataViewType.Instance ? (ValueGetter<bool>)((ref bool v) => v = _bools[i])
            : t is TextDataViewType ? (ValueGetter<ReadOnlyMemory<char>>)((ref ReadOnlyMemory<char> v) => v = _texts[i])
            : throw new InvalidOperationException($"column '{column.Name}' of type {t} is not supported as a model input");
        return getter as ValueGetter<TValue> ?? throw new InvalidOperationException($"column '{column.Name}' read as {typeof(TValue).Name}, stored as {t}");
    }

    public override ValueGetter<DataViewRowId> GetIdGetter() => (ref DataViewRowId v) => v = new DataViewRowId((ulong)_position, 0);
}
