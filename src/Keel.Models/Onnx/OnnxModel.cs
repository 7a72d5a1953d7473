using Keel.Registry;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Keel.Models.Onnx;

/// <summary>
/// An ONNX Runtime session (thread-safe). Each graph input is one field, fed as a column of
/// shape [rows, 1]; a graph whose batch dimension is fixed at 1 is run row by row. Outputs of
/// ML.NET exports (<c>Score.output</c>, ...) are named without the suffix.
/// </summary>
internal sealed class OnnxModel : ILoadedModel
{
    private static readonly string[] KnownOutputs = ["PredictedLabel", "Score", "Probability"];
    private readonly InferenceSession _session;
    private readonly (string Name, NodeMetadata Meta)[] _inputs;
    private readonly (string Name, NodeMetadata Meta)[] _outputs;
    private readonly bool _batchable;

    public OnnxModel(InferenceSession session)
    {
        _session = session;
        _inputs = session.InputMetadata.Where(kv => kv.Value.IsTensor).Select(kv => (kv.Key, kv.Value)).ToArray();
        var tensors = session.OutputMetadata.Where(kv => kv.Value.IsTensor).Select(kv => (kv.Key, kv.Value)).ToArray();
        var known = tensors.Where(o => KnownOutputs.Contains(Display(o.Key))).ToArray();
        _outputs = known.Length > 0 ? known : tensors;
        _batchable = _inputs.All(i => i.Meta.Dimensions.Length > 0 && i.Meta.Dimensions[0] <= 0);
        Inputs = _inputs.Select(i => (i.Name, TypeOf(i.Name, i.Meta.ElementType))).ToList();
        Outputs = _outputs.Select(o => Display(o.Name)).ToList();
    }

    public string Flavor => "onnx";

    public IReadOnlyList<(string Name, FieldType Type)> Inputs { get; }

    public IReadOnlyList<string> Outputs { get; }

    public object?[][] Predict(IReadOnlyList<object?[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (_batchable || rows.Count <= 1) return Run(rows);
        var results = new object?[rows.Count][];
        for (var i = 0; i < rows.Count; i++) results[i] = Run([rows[i]])[0];
        return results;
    }

    private object?[][] Run(IReadOnlyList<object?[]> rows)
    {
        var n = rows.Count;
        var feeds = new List<NamedOnnxValue>(_inputs.Length);
        for (var k = 0; k < _inputs.Length; k++)
        {
            var (name, meta) = _inputs[k];
            var dims = meta.Dimensions.Select((d, j) => j == 0 ? n : Math.Max(d, 1)).ToArray();
            var type = meta.ElementType;
            if (type == typeof(float)) feeds.Add(NamedOnnxValue.CreateFromTensor(name, new DenseTensor<float>(rows.Select(r => (float)Num(r[k])).ToArray(), dims)));
            else if (type == typeof(double)) feeds.Add(NamedOnnxValue.CreateFromTensor(name, new DenseTensor<double>(rows.Select(r => Num(r[k])).ToArray(), dims)));
            else if (type == typeof(long)) feeds.Add(NamedOnnxValue.CreateFromTensor(name, new DenseTensor<long>(rows.Select(r => (long)Num(r[k])).ToArray(), dims)));
            else if (type == typeof(int)) feeds.Add(NamedOnnxValue.CreateFromTensor(name, new DenseTensor<int>(rows.Select(r => (int)Num(r[k])).ToArray(), dims)));
            else if (type == typeof(bool)) feeds.Add(NamedOnnxValue.CreateFromTensor(name, new DenseTensor<bool>(rows.Select(r => r[k] is true).ToArray(), dims)));
            else feeds.Add(NamedOnnxValue.CreateFromTensor(name, new DenseTensor<string>(rows.Select(r => r[k] as string ?? "").ToArray(), dims)));
        }
        using var outputs = _session.Run(feeds, _outputs.Select(o => o.Name).ToArray());
        var results = new object?[n][];
        for (var i = 0; i < n; i++) results[i] = new object?[_outputs.Length];
        var o = 0;
        foreach (var value in outputs)
        {
            switch (value.Value)
            {
                case Tensor<float> t: Fill(results, o, n, t.ToArray(), x => (double)x); break;
                case Tensor<double> t: Fill(results, o, n, t.ToArray(), x => x); break;
                case Tensor<long> t: Fill(results, o, n, t.ToArray(), x => (double)x); break;
                case Tensor<int> t: Fill(results, o, n, t.ToArray(), x => (double)x); break;
                case Tensor<bool> t: Fill(results, o, n, t.ToArray(), x => (object)x); break;
                case Tensor<string> t: Fill(results, o, n, t.ToArray(), x => (object)x); break;
                default: throw new KeelException($"the ONNX output '{value.Name}' is not a tensor Keel can read");
            }
            o++;
        }
        return results;
    }

    private static void Fill<T, TOut>(object?[][] results, int output, int n, T[] values, Func<T, TOut> convert)
    {
        var per = n == 0 ? 0 : values.Length / n;
        for (var i = 0; i < n; i++)
        {
            results[i][output] = per == 1
                ? convert(values[i])
                : values.Skip(i * per).Take(per).Select(v => convert(v)).ToArray();
        }
    }

    private static double Num(object? v) => v switch { double d => d, bool b => b ? 1 : 0, _ => double.NaN };

    private static string Display(string name) => name.EndsWith(".output", StringComparison.Ordinal) ? name[..^".output".Length] : name;

    private static FieldType TypeOf(string name, Type t) =>
        t == typeof(string) ? FieldType.Text
        : t == typeof(bool) ? FieldType.Boolean
        : t == typeof(float) || t == typeof(double) || t == typeof(long) || t == typeof(int) ? FieldType.Number
        : throw new KeelException($"the ONNX input '{name}' has element type {t.Name}, which Keel cannot serve yet");

    public void Dispose() => _session.Dispose();
}
