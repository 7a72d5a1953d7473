using System.Globalization;
using Keel.Monitoring.Profiles;

namespace Keel.Monitoring.Evaluation;

/// <summary>Data-quality findings of a window: schema, missing values, unseen levels, range, constants. Every value finite.</summary>
internal static class QualityChecker
{
    public static List<QualityIssue> Check(WindowProfile window, MonitorOptions options)
    {
        var issues = new List<QualityIssue>();
        ReferenceProfile reference = window.Reference;
        if (window.UnknownColumns.Count > 0)
        {
            issues.Add(new QualityIssue(null, "unknown_columns", Severity.Warn,
                $"schema changed: {window.UnknownColumns.Count} column(s) not in the reference: {string.Join(", ", window.UnknownColumns.Take(10))}", window.UnknownColumns.Count));
        }

        foreach (FeatureReference f in reference.Features)
        {
            if (options.Rule(f.Name).Ignore)
            {
                continue;
            }

            if (window.AbsentFeatureRows.TryGetValue(f.Name, out long absent) && absent > 0)
            {
                double share = absent / (double)Math.Max(window.Rows, 1);
                issues.Add(new QualityIssue(f.Name, "feature_absent", Severity.Alert,
                    $"feature '{f.Name}' is absent from {absent} of {window.Rows} logged rows ({Percent(share)}): the schema changed or capture is broken", share));
            }

            if (f.Kind == ColumnKind.Numeric)
            {
                CheckNumeric(f.Name, f.Numeric!, window.NumericFeature(f.Name)!, options, issues);
            }
            else
            {
                CheckCategorical(f.Name, f.Categorical!, window.CategoricalFeature(f.Name)!, options, issues);
            }
        }

        return issues;
    }

    private static void CheckNumeric(string name, NumericReference r, NumericSketch w, MonitorOptions o, List<QualityIssue> issues)
    {
        long rows = w.Count + w.Missing + w.NonFinite;
        if (rows == 0)
        {
            return;
        }

        if (w.Unparseable > 0 && w.Unparseable / (double)rows > o.TypeViolationShare)
        {
            issues.Add(new QualityIssue(name, "type_violation", Severity.Warn,
                $"'{name}' is numeric in the reference but {w.Unparseable} value(s) are not numbers (counted as missing)", w.Unparseable / (double)rows));
        }

        MissingRate(name, r.MissingRate, w.Missing / (double)rows, o, issues);
        if (w.NonFinite > 0)
        {
            issues.Add(new QualityIssue(name, "non_finite", Severity.Warn, $"'{name}' has {w.NonFinite} infinite value(s), excluded from the tests", w.NonFinite / (double)rows));
        }

        if (w.Count == 0)
        {
            return;
        }

        double outside = (w.BelowRange + w.AboveRange) / (double)w.Count;
        if (outside > o.OutOfRangeShare)
        {
            issues.Add(new QualityIssue(name, "out_of_range", Severity.Warn,
                $"{Percent(outside)} of '{name}' lie outside the reference range [{Num(r.Min)}, {Num(r.Max)}] ({w.BelowRange} below, {w.AboveRange} above)", outside));
        }

        if (w.Count >= 2 && w.Min == w.Max && r.StandardDeviation > 0)
        {
            issues.Add(new QualityIssue(name, "constant", Severity.Warn, $"'{name}' is constant ({Num(w.Min)}) in this window but varies in the reference", w.Count));
        }
    }

    private static void CheckCategorical(string name, CategoricalReference r, CategoricalSketch w, MonitorOptions o, List<QualityIssue> issues)
    {
        long rows = w.Count + w.Missing;
        if (rows == 0)
        {
            return;
        }

        MissingRate(name, r.MissingRate, w.Missing / (double)rows, o, issues);
        if (w.Count == 0)
        {
            return;
        }

        var unseen = w.Counts.Where(kv => !r.Counts.ContainsKey(kv.Key)).OrderByDescending(kv => kv.Value).ToList();
        long unseenCount = unseen.Sum(kv => kv.Value);
        double share = unseenCount / (double)w.Count;
        if (share > o.OutOfRangeShare)
        {
            issues.Add(new QualityIssue(name, "unseen_categories", Severity.Warn,
                $"{Percent(share)} of '{name}' are categories absent from the reference: {string.Join(", ", unseen.Take(5).Select(kv => $"'{kv.Key}' ({kv.Value})"))}", share));
        }

        int referenceLevels = r.Counts.Count(kv => kv.Value >= 0.01 * r.Count);
        if (w.Count >= 2 && w.Counts.Count == 1 && referenceLevels >= 2)
        {
            issues.Add(new QualityIssue(name, "constant", Severity.Warn, $"'{name}' has a single level ('{w.Counts.Keys.First()}') in this window but several in the reference", w.Count));
        }

        if (w.Counts.ContainsKey(CategoricalSketch.OverflowBucket))
        {
            issues.Add(new QualityIssue(name, "too_many_levels", Severity.Warn, $"'{name}' has more distinct levels than the profile counts exactly; the rest share '{CategoricalSketch.OverflowBucket}'", w.Counts.Count));
        }
    }

    private static void MissingRate(string name, double reference, double current, MonitorOptions o, List<QualityIssue> issues)
    {
        if (current - reference > o.MissingRateIncrease)
        {
            issues.Add(new QualityIssue(name, "missing_rate", Severity.Warn,
                $"'{name}' is missing in {Percent(current)} of rows against {Percent(reference)} in the reference", current - reference));
        }
    }

    private static string Percent(double share) => (100 * share).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    private static string Num(double x) => x.ToString("G6", CultureInfo.InvariantCulture);
}
