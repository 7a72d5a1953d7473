using System.Globalization;
using Keel.Monitoring.Profiles;
using Keel.Monitoring.Statistics;

namespace Keel.Monitoring.Evaluation;

/// <summary>
/// Judges one window: a feature drifts only when its test is significant after Benjamini-Hochberg across
/// the window's features AND its effect size reaches its threshold; adds data quality, prediction drift
/// and performance, and sets the window's severity with the reasons for it.
/// </summary>
public static class WindowEvaluator
{
    /// <summary>Evaluates a window; never throws on bad data, never returns NaN or infinities.</summary>
    public static WindowReport Evaluate(WindowProfile window, MonitorOptions options, int index, string label, IReadOnlyList<QualityIssue>? extraIssues = null)
    {
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        long referenceRows = window.Reference.Rows;
        bool insufficient = window.Rows < options.MinWindowRows || referenceRows < options.MinWindowRows;
        var reasons = new List<string>();
        List<FeatureDrift> features = Features(window, options);
        List<QualityIssue> quality = QualityChecker.Check(window, options);
        quality.AddRange(extraIssues ?? []);
        FeatureDrift? prediction = Prediction(window, options);
        PerformanceReport? performance = PerformanceEvaluator.Evaluate(window, options);

        Severity severity = Severity.Ok;
        if (insufficient)
        {
            reasons.Add(window.Rows < options.MinWindowRows
                ? $"too few rows: the window has {window.Rows} row(s), fewer than the {options.MinWindowRows} (min_rows) needed to judge drift; reported, never alarms"
                : $"too few rows: the reference has {referenceRows} row(s), fewer than the {options.MinWindowRows} (min_rows) needed to judge drift; profile more training data");
            features = [.. features.Select(f => f with { Drifted = false, Status = "insufficient" })];
            prediction = prediction is null ? null : prediction with { Drifted = false, Status = "insufficient" };
        }

        foreach (FeatureDrift f in features.Where(f => f.Status == "insufficient" && !insufficient))
        {
            reasons.Add($"too few values in '{f.Feature}' to judge drift: {f.ReferenceCount} in the reference, {f.CurrentCount} in the window (at least {options.MinFeatureValues} on each side)");
        }

        foreach (FeatureDrift f in features.Where(f => f.Drifted))
        {
            severity = Severity.Alert;
            reasons.Add($"drift in '{f.Feature}': {f.EffectMetric} {F(f.Effect)} >= {F(f.Threshold)}, adjusted p {P(f.AdjustedPValue)}");
        }

        if (prediction is { Drifted: true })
        {
            severity = Severity.Alert;
            reasons.Add($"prediction drift: score {prediction.EffectMetric} {F(prediction.Effect)} >= {F(prediction.Threshold)}, p {P(prediction.PValue)}");
        }

        foreach (FeatureDrift f in features.Where(f => f.Status == "small_effect"))
        {
            severity = Max(severity, Severity.Warn);
            reasons.Add($"'{f.Feature}' shifted significantly but by a small effect ({f.EffectMetric} {F(f.Effect)} < {F(f.Threshold)})");
        }

        foreach (QualityIssue q in quality)
        {
            severity = Max(severity, insufficient ? Severity.Warn : q.Severity);
            reasons.Add(q.Message);
        }

        if (options.Floor is { } floor && performance is not null)
        {
            severity = Max(severity, FloorSeverity(floor, performance, reasons));
        }

        if (insufficient)
        {
            severity = Min(severity, Severity.Warn);
        }

        return new WindowReport
        {
            Index = index,
            Label = label,
            Start = window.FirstTime,
            End = window.LastTime,
            Rows = window.Rows,
            Severity = severity,
            Insufficient = insufficient,
            Features = features,
            Quality = quality,
            Prediction = prediction,
            Performance = performance,
            Reasons = reasons,
        };
    }

    private static List<FeatureDrift> Features(WindowProfile window, MonitorOptions options)
    {
        var drafts = new List<FeatureDrift>();
        foreach (FeatureReference f in window.Reference.Features)
        {
            FeatureRule rule = options.Rule(f.Name);
            if (rule.Ignore)
            {
                continue;
            }

            drafts.Add(f.Kind == ColumnKind.Numeric
                ? NumericDraft(f.Name, f.Numeric!, window.NumericFeature(f.Name)!, rule, options)
                : CategoricalDraft(f.Name, f.Categorical!, window.CategoricalFeature(f.Name)!, rule, options));
        }

        drafts = [.. drafts.Select(d => d.Status == "ok" && Math.Min(d.ReferenceCount, d.CurrentCount) < options.MinFeatureValues ? d with { Status = "insufficient" } : d)];
        var tested = drafts.Where(d => d.Status == "ok").ToList();
        IReadOnlyList<FeatureDriftVerdict> verdicts = DriftDecision.Decide(
            [.. tested.Select(d => new FeatureDriftInput(d.Feature, d.PValue, d.Effect, d.Threshold))], options.FalseDiscoveryRate);
        var byName = new Dictionary<string, FeatureDriftVerdict>(StringComparer.Ordinal);
        foreach (FeatureDriftVerdict v in verdicts)
        {
            byName[v.Feature] = v;
        }

        return [.. drafts.Select(d => byName.TryGetValue(d.Feature, out FeatureDriftVerdict? v)
            ? d with
            {
                AdjustedPValue = v.AdjustedPValue,
                Drifted = v.Drifted,
                Status = v.Drifted ? "drift" : v.AdjustedPValue < options.FalseDiscoveryRate ? "small_effect" : "ok",
            }
            : d)];
    }

    private static FeatureDrift NumericDraft(string name, NumericReference r, NumericSketch w, FeatureRule rule, MonitorOptions o)
    {
        NumericDrift.Result x = NumericDrift.Compute(r, w);
        bool psi = rule.Effect == "psi";
        double effect = psi ? x.Psi : x.Wasserstein;
        return new FeatureDrift
        {
            Feature = name,
            Kind = ColumnKind.Numeric,
            Test = "ks",
            Method = x.Method,
            Statistic = x.Statistic,
            PValue = x.PValue,
            AdjustedPValue = x.PValue,
            EffectMetric = psi ? "psi" : "wasserstein",
            Effect = effect,
            Threshold = rule.Threshold ?? (psi ? o.PsiThreshold : o.WassersteinThreshold),
            Psi = x.Psi,
            Wasserstein = x.Wasserstein,
            MinimumDetectableEffect = psi
                ? DetectableEffect.Psi(x.ReferenceCount, x.CurrentCount, r.PsiEdges.Length + 1, o.FalseDiscoveryRate)
                : DetectableEffect.Shift(x.ReferenceCount, x.CurrentCount, o.FalseDiscoveryRate),
            ReferenceCount = x.ReferenceCount,
            CurrentCount = x.CurrentCount,
            Status = x.IsSufficient ? "ok" : w.Count + w.Missing + w.NonFinite == 0 ? "absent" : "insufficient",
        };
    }

    private static FeatureDrift CategoricalDraft(string name, CategoricalReference r, CategoricalSketch w, FeatureRule rule, MonitorOptions o)
    {
        CategoricalDriftResult x = CategoricalDrift.Compare(r.Counts, w.Counts);
        bool v = rule.Effect == "cramers_v";
        return new FeatureDrift
        {
            Feature = name,
            Kind = ColumnKind.Categorical,
            Test = "chi_square",
            Method = "asymptotic",
            Statistic = x.ChiSquare.Statistic,
            PValue = x.ChiSquare.PValue,
            AdjustedPValue = x.ChiSquare.PValue,
            EffectMetric = v ? "cramers_v" : "js",
            Effect = v ? x.ChiSquare.CramersV : x.JensenShannonDistance,
            Threshold = rule.Threshold ?? (v ? o.CramersVThreshold : o.JensenShannonThreshold),
            CramersV = x.ChiSquare.CramersV,
            JensenShannon = x.JensenShannonDistance,
            MinimumDetectableEffect = v
                ? DetectableEffect.CramersV(r.Count, w.Count, Math.Max(r.Counts.Count, 2), o.FalseDiscoveryRate)
                : DetectableEffect.JensenShannon(r.Count, w.Count, Math.Max(r.Counts.Count, 2), o.FalseDiscoveryRate),
            ReferenceCount = r.Count,
            CurrentCount = w.Count,
            Status = x.IsSufficient ? "ok" : w.Count + w.Missing == 0 ? "absent" : "insufficient",
        };
    }

    private static FeatureDrift? Prediction(WindowProfile window, MonitorOptions options)
    {
        if (window.Reference.Score is not { } reference || window.Score is not { } sketch || sketch.Count == 0)
        {
            return null;
        }

        FeatureDrift d = NumericDraft("(score)", reference, sketch, new FeatureRule { Threshold = options.ScoreThreshold }, options);
        if (d.Status == "ok" && Math.Min(d.ReferenceCount, d.CurrentCount) < options.MinFeatureValues)
        {
            d = d with { Status = "insufficient" };
        }

        bool drifted = d.Status == "ok" && d.PValue < options.FalseDiscoveryRate && d.Effect >= d.Threshold;
        return d with { Drifted = drifted, Status = drifted ? "drift" : d.Status };
    }

    private static Severity FloorSeverity(PerformanceFloor floor, PerformanceReport performance, List<string> reasons)
    {
        bool Worse(double x) => floor.HigherIsBetter ? x < floor.Value : x > floor.Value;
        if (performance.Realised.FirstOrDefault(m => m.Name == floor.Metric) is { } r)
        {
            double best = floor.HigherIsBetter ? r.High : r.Low;
            if (Worse(best))
            {
                reasons.Add($"{floor.Metric} {F(r.Value)} (95% CI {F(r.Low)}-{F(r.High)}, {r.Count} labels) is below the floor {F(floor.Value)}");
                return Severity.Alert;
            }

            if (Worse(r.Value))
            {
                reasons.Add($"{floor.Metric} {F(r.Value)} is below the floor {F(floor.Value)} but its 95% CI reaches it ({r.Count} labels)");
                return Severity.Warn;
            }

            return Severity.Ok;
        }

        if (performance.Estimated.FirstOrDefault(m => m.Name == floor.Metric) is { } e && Worse(e.Value))
        {
            reasons.Add($"estimated {floor.Metric} {F(e.Value)} (no labels yet; an estimate from calibrated confidence) is below the floor {F(floor.Value)}");
            return Severity.Warn;
        }

        return Severity.Ok;
    }

    private static Severity Max(Severity a, Severity b) => a > b ? a : b;

    private static Severity Min(Severity a, Severity b) => a < b ? a : b;

    private static string F(double x) => x.ToString("0.###", CultureInfo.InvariantCulture);

    private static string P(double p) => p.ToString("0.##e+0", CultureInfo.InvariantCulture);
}
