using Keel.Objects;
using Keel.Pipelines;

namespace Keel.Reproduction;

/// <summary>
/// Compares one reproduced output with the recorded one as its stage declares: <c>exact</c>
/// (digest), <c>model</c> (canonical model digest), <c>predictions</c> (score a probe set with
/// both models, or compare two prediction CSVs, within abs/rel) or <c>metrics</c> (JSON numbers
/// within abs/rel, per metric when given).
/// </summary>
internal sealed class OutputComparer(IObjectStore store, string scratch)
{
    public OutputComparison Compare(string stage, RecordedArtifact recorded, CompareRule? rule, bool isSubject, Digest? reproduced, string reproducedPath, string checkout)
    {
        var path = recorded.Path ?? recorded.Label;
        var method = MethodFor(rule, recorded, isSubject);
        var tol = new Tolerance(rule?.Abs ?? 0, rule?.Rel ?? 0);
        OutputComparison Result(string status, double? diff, string detail, string? tolerance = null) =>
            new(stage, path, method, status, recorded.Digest, reproduced, diff, tolerance ?? (method is "exact" or "model" or "none" ? method : tol.ToString()), detail);

        if (reproduced is null) return Result("missing", null, "the replayed step exited 0 but did not produce it");
        var same = recorded.Digest == reproduced;
        if (method == "none")
            return Result("unchecked", null, same ? "identical bytes (no compare rule declared)" : "bytes differ; no compare rule is declared, so it does not count");
        if (same) return Result("pass", 0, "identical bytes");
        if (recorded.Digest is not { } original || !store.Contains(original))
            return Result("fail", null, "the recorded object is not in the store, so only digests can be compared and they differ");
        try
        {
            return method switch
            {
                "exact" => Result("fail", null, $"digests differ: recorded {original.Short}, reproduced {reproduced.Value.Short}"),
                "model" => Model(original, reproducedPath, Result),
                "metrics" => Numeric(NumericComparer.Metrics(Materialize(original, path), reproducedPath, tol, rule!.PerMetricAbs), Result),
                "predictions" => Predictions(original, path, reproducedPath, rule!, tol, checkout, Result),
                _ => Result("fail", null, $"unknown compare method '{method}'"),
            };
        }
        catch (Exception e) when (e is IOException or InvalidDataException or System.Text.Json.JsonException or KeelException)
        {
            return Result("fail", null, $"could not compare: {e.Message}");
        }
    }

    /// <summary>The declared rule's method; else exact (model for a model) for the artifact reproduced, none (unchecked) for the rest.</summary>
    public static string MethodFor(CompareRule? rule, RecordedArtifact recorded, bool isSubject) =>
        rule?.Method ?? (isSubject ? (recorded.Kind == "model" ? "model" : "exact") : "none");

    private OutputComparison Model(Digest original, string reproducedPath, Func<string, double?, string, string?, OutputComparison> result)
    {
        using var a = store.OpenRead(original);
        using var b = File.OpenRead(reproducedPath);
        var (da, ea) = CanonicalModel.Read(a);
        var (db, eb) = CanonicalModel.Read(b);
        if (da == db) return result("pass", 0, $"canonical model digest {da.Short} matches (the zips differ only in entry timestamps or order)", null);
        var differing = ea.Keys.Union(eb.Keys).Where(k => !ea.TryGetValue(k, out var x) || !eb.TryGetValue(k, out var y) || x != y).ToList();
        return result("fail", null, $"canonical model digests differ ({da.Short} vs {db.Short}); entries that differ: {string.Join(", ", differing.Take(8))}"
            + " (settings baked into the model, such as FastTree's thread count or the ML.NET version, count; declare 'predictions' to compare behaviour instead)", null);
    }

    private static OutputComparison Numeric(NumericComparer.Outcome o, Func<string, double?, string, string?, OutputComparison> result) =>
        result(o.Pass ? "pass" : "fail", o.MaxDifference, o.Detail, null);

    private OutputComparison Predictions(Digest original, string path, string reproducedPath, CompareRule rule, Tolerance tol, string checkout, Func<string, double?, string, string?, OutputComparison> result)
    {
        var originalFile = Materialize(original, path);
        if (rule.Score is null || rule.Probe is null)
        {
            if (!path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase))
                return result("fail", null, "a predictions rule on a model needs 'probe' (a CSV in the workspace) and 'score' (a command with {model}, {probe}, {out})", null);
            return Numeric(NumericComparer.Csv(originalFile, reproducedPath, tol), result);
        }
        var probe = Path.Combine(checkout, rule.Probe);
        if (!File.Exists(probe)) return result("fail", null, $"the probe set {rule.Probe} is not in the reproduction's folder", null);
        var a = Score(rule.Score, originalFile, probe, Path.Combine(scratch, "predictions-recorded.csv"), checkout);
        var b = Score(rule.Score, reproducedPath, probe, Path.Combine(scratch, "predictions-reproduced.csv"), checkout);
        return Numeric(NumericComparer.Csv(a, b, tol), result);
    }

    private static string Score(string template, string model, string probe, string output, string cwd)
    {
        var command = template.Replace("{model}", Quote(model), StringComparison.Ordinal)
            .Replace("{probe}", Quote(probe), StringComparison.Ordinal).Replace("{out}", Quote(output), StringComparison.Ordinal);
        var r = ProcessRunner.Run(cwd, "/bin/bash", ["-c", command]);
        if (r.ExitCode != 0) throw new KeelException($"scoring failed ({command}): {r.Stderr.Trim()}");
        return output;
    }

    private string Materialize(Digest digest, string path)
    {
        var target = Path.Combine(scratch, "recorded", path.Replace('/', Path.DirectorySeparatorChar));
        if (!File.Exists(target) && !Directory.Exists(target)) TreeFiles.Materialize(store, digest, target);
        return target;
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
