using System.Collections.Concurrent;
using Keel.Registry;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Keel.Models.MLNet;

/// <summary>
/// A loaded ML.NET transformer chain. Inputs are the columns its outputs depend on; a pool of
/// <see cref="MLNetEngine"/>s (each a row-to-row mapper over a reusable input row, like a
/// PredictionEngine, and like it not thread-safe) serves concurrent callers.
/// </summary>
internal sealed class MLNetModel : ILoadedModel
{
    private static readonly string[] KnownOutputs = ["PredictedLabel", "Score", "Probability"];
    private readonly ITransformer _transformer;
    private readonly DataViewSchema _schema;
    private readonly int[] _inputColumns;
    private readonly ConcurrentBag<MLNetEngine> _pool = [];

    public MLNetModel(ITransformer transformer, DataViewSchema schema)
    {
        _transformer = transformer;
        _schema = schema;
        var mapper = transformer.GetRowToRowMapper(schema);
        var output = mapper.OutputSchema;
        var known = KnownOutputs.Where(n => output.GetColumnOrNull(n) is { } c && schema.GetColumnOrNull(n) is null).ToList();
        Outputs = known.Count > 0
            ? known
            : output.Where(c => !c.IsHidden && schema.GetColumnOrNull(c.Name) is null && c.Type is not VectorDataViewType).Select(c => c.Name).ToList();
        var needed = mapper.GetDependencies(Outputs.Select(n => output[n])).Select(c => c.Index).ToHashSet();
        _inputColumns = schema.Where(c => needed.Contains(c.Index)).Select(c => c.Index).ToArray();
        Inputs = _inputColumns.Select(i => (schema[i].Name, TypeOf(schema[i]))).ToList();
        _pool.Add(new MLNetEngine(_transformer, _schema, _inputColumns, Outputs));
    }

    public string Flavor => "mlnet";

    public IReadOnlyList<(string Name, FieldType Type)> Inputs { get; }

    public IReadOnlyList<string> Outputs { get; }

    public object?[][] Predict(IReadOnlyList<object?[]> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var engine = _pool.TryTake(out var e) ? e : new MLNetEngine(_transformer, _schema, _inputColumns, Outputs);
        try
        {
            var results = new object?[rows.Count][];
            for (var i = 0; i < rows.Count; i++) results[i] = engine.Predict(rows[i]);
            return results;
        }
        finally
        {
            _pool.Add(engine);
        }
    }

    private static FieldType TypeOf(DataViewSchema.Column c) => c.Type switch
    {
        TextDataViewType => FieldType.Text,
        BooleanDataViewType => FieldType.Boolean,
        NumberDataViewType => FieldType.Number,
        _ => throw new KeelException($"the model's input column '{c.Name}' has type {c.Type}, which Keel cannot serve yet (numbers, text and booleans only)"),
    };

    public void Dispose()
    {
        while (_pool.TryTake(out var e)) e.Dispose();
    }
}
