using System.Diagnostics;
using System.Globalization;
using Keel.Models.Registration;
using Keel.Registry;
using Keel.Workspaces;

namespace Keel.Models.Testing;

/// <summary>Runs a model's behaviour tests (keel.yaml <c>models: NAME: tests:</c>) against a loaded version.</summary>
public sealed class BehaviourTestRunner(Workspace workspace, string cwd)
{
    private readonly Dictionary<string, (CsvTable Table, Objects.Digest Digest, string Label)> _data = new(StringComparer.Ordinal);

    /// <summary>The data files the tests read, with their digests (for the lineage).</summary>
    public IReadOnlyCollection<(CsvTable Table, Objects.Digest Digest, string Label)> DataUsed => _data.Values;

    public async Task<TestReport> RunAsync(ModelVersion version, ModelSpec spec, ILoadedModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(model);
        var results = new List<TestResult>();
        foreach (var test in spec.Tests)
        {
            var dataRef = test.Data ?? spec.Holdout;
            if (dataRef is null && test.Type != "schema")
            {
                results.Add(new TestResult(test.Name, test.Type, false, null, null, $"no data: set 'holdout:' on model {spec.Name} or 'data:' on the test ({test.At})"));
                continue;
            }
            var table = dataRef is null ? null : await LoadAsync(dataRef, cancellationToken).ConfigureAwait(false);
            results.Add(Run(test, spec, version, model, table));
        }
        return new TestReport(version.Name, version.Version, results.All(r => r.Passed), results, _data.Values.Select(d => d.Label).ToList());
    }

    private async Task<CsvTable> LoadAsync(string reference, CancellationToken cancellationToken)
    {
        if (!_data.TryGetValue(reference, out var loaded))
        {
            loaded = await TableSource.LoadAsync(workspace, reference, cwd, cancellationToken).ConfigureAwait(false);
            _data[reference] = loaded;
        }
        return loaded.Table;
    }

    private static TestResult Run(BehaviourTestSpec t, ModelSpec spec, ModelVersion version, ILoadedModel model, CsvTable? table)
    {
        if (t.Type == "schema") return Schema(t, version, model, table);
        var missing = model.Inputs.Where(i => table!.IndexOf(i.Name) < 0).Select(i => i.Name).ToList();
        if (missing.Count > 0) return new TestResult(t.Name, t.Type, false, null, null, $"the data lacks the model's inputs {string.Join(", ", missing)}");
        var rows = table!.Rows.Select(r => Row(model, table, r)).ToList();
        switch (t.Type)
        {
            case "metric":
            {
                var (value, detail) = Metric(t.Metric!, spec, model, table, rows);
                return Compare(t, value, detail);
            }
            case "slice":
            {
                var by = table.IndexOf(t.By!);
                if (by < 0) return new TestResult(t.Name, t.Type, false, null, t.Min, $"the data has no column '{t.By}' to slice by");
                var worst = double.NaN;
                var parts = new List<string>();
                foreach (var g in Enumerable.Range(0, rows.Count).GroupBy(i => table.Rows[i][by]).OrderBy(g => g.Key, StringComparer.Ordinal))
                {
                    var idx = g.ToList();
                    var sub = new CsvTable(table.Columns, idx.Select(i => table.Rows[i]).ToList());
                    var (v, _) = Metric(t.Metric!, spec, model, sub, idx.Select(i => rows[i]).ToList());
                    parts.Add(string.Create(CultureInfo.InvariantCulture, $"{t.By}={g.Key}: {v:0.####} (n={idx.Count})"));
                    if (double.IsNaN(worst) || (ModelMetrics.LowerIsBetter(t.Metric!) ? v > worst : v < worst)) worst = v;
                }
                return Compare(t, worst, string.Join("; ", parts));
            }
            case "invariance":
            {
                var field = model.Inputs.Select((f, i) => (f, i)).FirstOrDefault(x => x.f.Name == t.Field, default);
                if (field.f.Name is null) return new TestResult(t.Name, t.Type, true, 0, t.Eps, $"'{t.Field}' is not an input of the model, so it cannot move predictions");
                var changed = rows.Select((r, i) => { var c = (object?[])r.Clone(); c[field.i] = rows[(i + (rows.Count / 2) + 1) % rows.Count][field.i]; return c; }).ToList();
                var a = Scores(model, rows);
                var b = Scores(model, changed);
                var max = a.Zip(b, (x, y) => Math.Abs(x - y)).DefaultIfEmpty(0).Max();
                return new TestResult(t.Name, t.Type, max < t.Eps, max, t.Eps, string.Create(CultureInfo.InvariantCulture, $"largest score change when {t.Field} takes other rows' values: {max:G4}"));
            }
            case "directional":
            {
                var field = model.Inputs.Select((f, i) => (f, i)).FirstOrDefault(x => x.f.Name == t.Field && x.f.Type == FieldType.Number, default);
                if (field.f.Name is null) return new TestResult(t.Name, t.Type, false, null, null, $"'{t.Field}' is not a numeric input of the model");
                var moved = rows.Select(r => { var c = (object?[])r.Clone(); c[field.i] = (double)c[field.i]! + t.Delta!.Value; return c; }).ToList();
                var a = Scores(model, rows);
                var b = Scores(model, moved);
                var sign = t.Expect == "increase" ? 1 : -1;
                var wrong = a.Zip(b, (x, y) => sign * (y - x) < -(t.Eps ?? 1e-9)).Count(w => w);
                var share = rows.Count == 0 ? 0 : 1 - (wrong / (double)rows.Count);
                var min = t.Min ?? 0.95;
                return new TestResult(t.Name, t.Type, share >= min, share, min,
                    string.Create(CultureInfo.InvariantCulture, $"{t.Field} + {t.Delta}: score did not {(sign > 0 ? "decrease" : "increase")} for {share:P1} of {rows.Count} rows ({wrong} moved the wrong way)"));
            }
            case "latency":
            {
                var n = Math.Min(t.Rows ?? 200, rows.Count);
                for (var i = 0; i < Math.Min(20, n); i++) model.Predict([rows[i]]);
                var times = new double[n];
                for (var i = 0; i < n; i++)
                {
                    var start = Stopwatch.GetTimestamp();
                    model.Predict([rows[i]]);
                    times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                }
                Array.Sort(times);
                var p99 = n == 0 ? 0 : times[Math.Min(n - 1, (int)Math.Ceiling(0.99 * n) - 1)];
                return new TestResult(t.Name, t.Type, p99 <= t.MaxMs, p99, t.MaxMs, string.Create(CultureInfo.InvariantCulture, $"p99 of {n} single-row predictions: {p99:0.###} ms (median {times[n / 2]:0.###} ms)"));
            }
            default:
                return new TestResult(t.Name, t.Type, false, null, null, $"unknown test type {t.Type}");
        }
    }

    private static TestResult Schema(BehaviourTestSpec t, ModelVersion version, ILoadedModel model, CsvTable? table)
    {
        var problems = new List<string>();
        var declared = version.Signature.Inputs.Select(f => (f.Name, f.Type)).ToList();
        if (!declared.SequenceEqual(model.Inputs)) problems.Add("the model's inputs differ from its registered signature");
        if (table is not null)
        {
            foreach (var f in version.Signature.Inputs)
            {
                var col = table.IndexOf(f.Name);
                if (col < 0) { problems.Add($"{f.Name}: missing from the data"); continue; }
                var bad = table.Rows.Count(r => !Valid(f, r[col]));
                if (bad > 0) problems.Add($"{f.Name}: {bad} values outside the signature (type {f.Type.ToString().ToLowerInvariant()}, missing, or category unseen in training)");
            }
        }
        return new TestResult(t.Name, t.Type, problems.Count == 0, problems.Count, 0, problems.Count == 0 ? $"{declared.Count} inputs match the signature" : string.Join("; ", problems));
    }

    private static bool Valid(SignatureField f, string cell)
    {
        if (FieldValues.IsMissing(cell)) return f.AllowsMissing;
        return f.Type switch
        {
            FieldType.Number => FieldValues.TryNumber(cell, out _),
            FieldType.Boolean => FieldValues.TryBoolean(cell, out _),
            _ => f.Categories is null || f.Categories.Contains(cell),
        };
    }

    private static (double Value, string Detail) Metric(string metric, ModelSpec spec, ILoadedModel model, CsvTable table, List<object?[]> rows)
    {
        var label = table.IndexOf(spec.Label ?? "label");
        if (label < 0) throw new KeelException($"the data has no label column '{spec.Label ?? "label"}'; set 'label:' on model {spec.Name} in keel.yaml");
        var labels = table.Rows.Select(r => FieldValues.TryBoolean(r[label], out var b) ? (b ? 1.0 : 0.0) : FieldValues.TryNumber(r[label], out var d) ? d : double.NaN).ToList();
        var scores = Scores(model, rows);
        var value = ModelMetrics.Compute(metric, scores, labels);
        return (value, string.Create(CultureInfo.InvariantCulture, $"{metric} = {value:0.####} on {rows.Count} rows"));
    }

    private static TestResult Compare(BehaviourTestSpec t, double value, string detail)
    {
        var passed = ModelMetrics.LowerIsBetter(t.Metric!) ? value <= t.Min : value >= t.Min;
        return new TestResult(t.Name, t.Type, passed && !double.IsNaN(value), value, t.Min, detail);
    }

    /// <summary>Probability when the model gives one, else its score.</summary>
    internal static List<double> Scores(ILoadedModel model, IReadOnlyList<object?[]> rows)
    {
        var outputs = model.Outputs.ToList();
        var at = outputs.IndexOf("Probability") is var p and >= 0 ? p : outputs.IndexOf("Score") is var s and >= 0 ? s : 0;
        var list = new List<double>(rows.Count);
        for (var i = 0; i < rows.Count; i += 1000)
            foreach (var r in model.Predict(rows.Skip(i).Take(1000).ToList()))
                list.Add(r[at] switch { double d => d, bool b => b ? 1 : 0, double[] v when v.Length > 0 => v[^1], _ => double.NaN });
        return list;
    }

    internal static object?[] Row(ILoadedModel model, CsvTable table, string[] cells)
    {
        var row = new object?[model.Inputs.Count];
        for (var i = 0; i < row.Length; i++) row[i] = FieldValues.Parse(cells[table.IndexOf(model.Inputs[i].Name)], model.Inputs[i].Type);
        return row;
    }
}
