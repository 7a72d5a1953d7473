using Microsoft.ML;
using Microsoft.ML.Data;

namespace Keel.Models.MLNet;

/// <summary>One mapper over one reusable input row: what a PredictionEngine is, without a compile-time row type.</summary>
internal sealed class MLNetEngine : IDisposable
{
    private readonly BufferRow _input;
    private readonly DataViewRow _output;
    private readonly Func<object?>[] _readers;

    public MLNetEngine(ITransformer transformer, DataViewSchema schema, int[] inputColumns, IReadOnlyList<string> outputs)
    {
        var mapper = transformer.GetRowToRowMapper(schema);
        _input = new BufferRow(schema, inputColumns);
        var columns = outputs.Select(o => mapper.OutputSchema[o]).ToArray();
        _output = mapper.GetRow(_input, columns);
        _readers = columns.Select(Reader).ToArray();
    }

    public object?[] Predict(object?[] row)
    {
        _input.Set(row);
        var result = new object?[_readers.Length];
        for (var i = 0; i < _readers.Length; i++) result[i] = _readers[i]();
        return result;
    }

    private Func<object?> Reader(DataViewSchema.Column c)
    {
        var t = c.Type;
        if (t == NumberDataViewType.Single) { var g = _output.GetGetter<float>(c); return () => { float v = 0; g(ref v); return (double)v; }; }
        if (t == NumberDataViewType.Double) { var g = _output.GetGetter<double>(c); return () => { double v = 0; g(ref v); return v; }; }
        if (t == BooleanDataViewType.Instance) { var g = _output.GetGetter<bool>(c); return () => { var v = false; g(ref v); return v; }; }
        if (t is TextDataViewType) { var g = _output.GetGetter<ReadOnlyMemory<char>>(c); return () => { ReadOnlyMemory<char> v = default; g(ref v); return v.ToString(); }; }
        if (t is KeyDataViewType { RawType: var raw } && raw == typeof(uint)) { var g = _output.GetGetter<uint>(c); return () => { uint v = 0; g(ref v); return (double)v; }; }
        if (t is VectorDataViewType { ItemType: var item } && item == NumberDataViewType.Single)
        {
            var g = _output.GetGetter<VBuffer<float>>(c);
            return () => { VBuffer<float> v = default; g(ref v); return v.DenseValues().Select(x => (double)x).ToArray(); };
        }
        throw new KeelException($"the model's output '{c.Name}' has type {t}, which Keel cannot serve yet");
    }

    public void Dispose() => _output.Dispose();
}
